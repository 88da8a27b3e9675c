"""What the young person's voice adds to a case: when each person last read its messages.

Messages themselves are Entries of kind `message` (cases), shared through the share path
(consent), so who-knows-what stays true without a second store of content.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class MessageRead(models.Model):
    """`user` has read the messages on `case` up to `read_at`: later ones count as unread."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read up to"), default=timezone.now)

    class Meta:
        verbose_name = _("messages read")
        verbose_name_plural = _("messages read")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="messageread_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.case_id} up to {self.read_at}"
