from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesRegistryConfig(AppConfig):
    name = "services_registry"
    verbose_name = _("Service catalogue")
    default_auto_field = "django.db.models.BigAutoField"
