"""Pluggable SMS backends, chosen by settings.SAMMEN_SMS_BACKEND (a dotted path).

A municipality plugs in its SMS gateway by writing a class with `send(phone, text)`.
"""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class ConsoleSmsBackend:
    """Development: prints the message (which never carries case content)."""

    def send(self, phone: str, text: str) -> None:
        print(f"SMS to {phone}: {text}", flush=True)


class FileSmsBackend:
    """Appends one JSON line a message to SAMMEN_SMS_FILE_PATH (tests, staging)."""

    def send(self, phone: str, text: str) -> None:
        path = Path(settings.SAMMEN_SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": phone, "text": text, "at": timezone.now().isoformat()})
        with path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")


def send_sms(phone: str, text: str) -> None:
    backend = import_string(settings.SAMMEN_SMS_BACKEND)()
    backend.send(phone, text)
