"""Django's own login signal (from below: no import direction is bent)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from coordination.models import User

from .services import visit_stamp


@receiver(user_logged_in)
def stamp_visit(sender: Any, user: User, **kwargs: Any) -> None:
    visit_stamp(user=user)
