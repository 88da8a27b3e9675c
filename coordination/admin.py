from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Sammen profile"),
            {
                "fields": (
                    "display_name",
                    "birth_date",
                    "phone",
                    "preferred_language",
                    "notify_by_email",
                    "notify_by_sms",
                )
            },
        ),
    )
