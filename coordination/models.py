from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Everyone who logs in: young people, guardians, helpers, coordinators and staff.

    The role someone has is per case (cases.Participant); staff roles are Django groups.
    """

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    birth_date = models.DateField(
        _("birth date"),
        null=True,
        blank=True,
        help_text=_("For young people: decides who may consent to sharing (see the policy)."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    notify_by_email = models.BooleanField(_("notify me by e-mail"), default=True)
    notify_by_sms = models.BooleanField(_("notify me by SMS"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        """What the UI calls this person."""
        return str(self)
