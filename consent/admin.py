"""The guardianship register. It lives here, not in coordination's admin, because ending a
guardianship takes the guardian off the young person's cases (consent.services)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from coordination.models import Guardianship
from coordination.rest import authenticated_user
from coordination.services import (
    guardianship_reason_check,
    guardianship_set,
    guardianship_set_check,
)

from .services import guardianship_end


class GuardianshipSetForm(forms.ModelForm):
    # The admin form knows the actor only through the request; the ModelAdmin hands it over.
    actor = None

    class Meta:
        model = Guardianship
        fields = ["youth", "guardian", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        youth, guardian = cleaned.get("youth"), cleaned.get("guardian")
        try:
            if youth is not None and guardian is not None:
                guardianship_set_check(youth=youth, guardian=guardian, actor=self.actor)
            guardianship_reason_check(cleaned.get("reason") or "")
        except (ValidationError, PermissionDenied) as refusal:
            self.add_error(None, refusal if isinstance(refusal, ValidationError) else str(refusal))
        return cleaned


class GuardianshipEndForm(forms.ModelForm):
    end_reason = forms.CharField(
        label=_("Why it ends"),
        help_text=_(
            "Saving ends the guardianship: the person leaves the young person's cases as "
            "guardian. The young person is told."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1_000,
    )

    class Meta:
        model = Guardianship
        fields = ["end_reason"]


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    """Registered with a reason, ended with a reason, never deleted."""

    list_display = ["guardian", "youth", "created", "set_by", "ended_at"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["guardian__username", "guardian__display_name", "youth__username"]
    raw_id_fields = ["youth", "guardian"]
    list_select_related = ["guardian", "youth", "set_by"]

    def get_fields(  # type: ignore[override]
        self, request: HttpRequest, obj: Guardianship | None = None
    ) -> list[str]:
        if obj is None:
            return ["youth", "guardian", "reason"]
        return [
            "youth", "guardian", "reason", "set_by", "created",
            "ended_at", "ended_by", "end_reason",
        ]  # fmt: skip

    def get_readonly_fields(
        self, request: HttpRequest, obj: Guardianship | None = None
    ) -> list[str]:
        if obj is None:
            return []
        readonly = ["youth", "guardian", "reason", "set_by", "created", "ended_at", "ended_by"]
        return readonly if obj.ended_at is None else [*readonly, "end_reason"]

    def get_form(
        self,
        request: HttpRequest,
        obj: Guardianship | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ModelForm]:
        if obj is not None:
            kwargs["form"] = GuardianshipEndForm
            return super().get_form(request, obj, change=change, **kwargs)
        form = super().get_form(request, obj, change=change, form=GuardianshipSetForm, **kwargs)
        form.actor = authenticated_user(request)  # type: ignore[attr-defined]
        return form

    def has_change_permission(self, request: HttpRequest, obj: Guardianship | None = None) -> bool:
        # An ended guardianship is history: shown, never changed again.
        return super().has_change_permission(request, obj) and (obj is None or obj.ended_at is None)

    def has_delete_permission(self, request: HttpRequest, obj: Guardianship | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Guardianship, form: ModelForm, change: bool
    ) -> None:
        actor = authenticated_user(request)
        if change:
            guardianship_end(guardianship=obj, actor=actor, reason=form.cleaned_data["end_reason"])
            obj.refresh_from_db()
            return
        created = guardianship_set(
            youth=obj.youth, guardian=obj.guardian, reason=obj.reason, actor=actor
        )
        obj.pk, obj.created, obj.set_by = created.pk, created.created, created.set_by
