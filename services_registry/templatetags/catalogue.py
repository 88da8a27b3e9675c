from django import template

from ..models import Translatable

register = template.Library()


@register.filter
def localized(obj: Translatable, field: str) -> str:
    """{{ service|localized:"name" }}: the English text when English is active and given."""
    return obj.localized(field)
