from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Notification, User


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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Operations view of the outbox: what is pending or failing. Texts carry no case content."""

    list_display = ["id", "recipient", "kind", "created", "delivered_at", "delivery_attempts"]
    list_filter = ["kind", ("delivered_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username"]
    readonly_fields = [field.name for field in Notification._meta.fields] + ["channels_done"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (a database trigger refuses changes)."""

    list_display = ["id", "created", "actor", "action", "case_id", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor__username", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
