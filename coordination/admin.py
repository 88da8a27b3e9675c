from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Imported first so that their registrations exist to be undone below.
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox import admin as _knox_admin  # noqa: F401
from knox.models import AuthToken

from .models import AuditEvent, Notification, User
from .rest import authenticated_user
from .services import (
    PERMISSION_FIELDS,
    birth_date_reason_check,
    group_permissions_changed,
    phone_normalize,
    second_factor_reset,
    user_birth_date_changed,
    user_password_set_by_staff,
    user_permissions_changed,
)

# knox's admin lets staff make a token for anyone and shows it: they could then act as anyone
# (and who-knows-what would say the young person opened something). Only the owner gets a token,
# from the token exchange; staff end someone's tokens by deactivating them or setting a password.
admin.site.unregister(AuthToken)
# django-otp's device pages show each person's secret key, QR code and recovery codes: staff
# would hold everyone's second factor. Staff only reset someone's devices (UserAdmin's action).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class StaffUserChangeForm(UserChangeForm):
    """A birth date decides who may consent to sharing, so changing it needs a reason."""

    birth_date_reason = forms.CharField(
        label=_("Why the birth date changes"),
        help_text=_(
            "Required when you change the birth date. Recorded in the audit log; the young "
            "person is told that it changed."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1_000,
    )

    def clean_phone(self) -> str:
        """Staff type numbers as people say them; stored as E.164 like the profile does."""
        try:
            return phone_normalize(self.cleaned_data.get("phone", ""))
        except ValidationError as refusal:
            raise ValidationError(refusal.message_dict["phone"]) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "birth_date" in self.changed_data:
            try:
                birth_date_reason_check(cleaned.get("birth_date_reason", ""))
            except ValidationError as refusal:
                self.add_error(None, refusal)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffUserChangeForm
    actions = ["second_factor_reset"]
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
                    "birth_date_reason",
                    "phone",
                    "preferred_language",
                    "notify_by_email",
                    "notify_by_sms",
                )
            },
        ),
    )

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"), permissions=["change"])
    def second_factor_reset(self, request: HttpRequest, queryset: Any) -> None:
        """Removes the chosen people's authenticator apps and recovery codes (audited); each is
        asked to set it up again at their next request."""
        actor = authenticated_user(request)
        with transaction.atomic():
            people = list(queryset)
            for person in people:
                second_factor_reset(user=person, actor=actor)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in is reset for %(count)d person.",
                "Two-factor sign-in is reset for %(count)d people.",
                len(people),
            )
            % {"count": len(people)},
        )

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """After the user and their groups are saved (inside the admin's transaction): what
        changes someone's birth date or admin rights is written to the audit chain."""
        super().save_related(request, form, formsets, change)
        if not change:
            return
        actor = authenticated_user(request)
        if "birth_date" in form.changed_data:
            user_birth_date_changed(
                user=form.instance, actor=actor, reason=form.cleaned_data["birth_date_reason"]
            )
        changed = [name for name in PERMISSION_FIELDS if name in form.changed_data]
        if changed:
            user_permissions_changed(user=form.instance, actor=actor, changed=changed)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's page, plus an audit row when it did set (or remove) the password."""
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                before = user.password
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    user_password_set_by_staff(user=user, actor=authenticated_user(request))
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """A group's permissions are the rights of all its members: changes are audited."""
        super().save_related(request, form, formsets, change)
        if "permissions" in form.changed_data:
            group_permissions_changed(group=form.instance, actor=authenticated_user(request))


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
