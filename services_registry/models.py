"""The municipal service catalogue, shaped after Open Referral HSDS 3 (entity and field names
follow the specification where it has them). Identifiers are HSDS-style UUIDs so that imports
from other directories keep their ids."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Status(models.TextChoices):
        # HSDS 3 service.status enum.
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.ACTIVE
    )
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("web page"), blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
