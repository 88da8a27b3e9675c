"""`{{ text|glossary_links }}`: professional words in UI text link to the glossary.

Only for our own UI strings. The text is escaped first and links are added around matches in
the escaped text (term forms contain no characters that escaping changes), so the result is
safe even if a caller passes something else; user-written content is never run through it.
"""

from re import Match

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..glossary import term_pattern

register = template.Library()


@register.filter
def glossary_links(text: object) -> SafeString:
    escaped = str(conditional_escape(str(text)))
    pattern, forms = term_pattern()
    linked: set[str] = set()
    base = reverse("voice:glossary")

    def link(match: Match[str]) -> str:
        word = match.group(1)  # letters, spaces and hyphens only: escaping leaves it as is
        term = forms[word.lower()]
        if term.slug in linked:
            return match.group(0)
        linked.add(term.slug)
        return str(format_html('<a class="term" href="{}#{}">{}</a>', base, term.slug, word))

    # Safe: `escaped` is escaped text and every insertion is format_html output.
    return mark_safe(pattern.sub(link, escaped))  # noqa: S308
