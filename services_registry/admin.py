"""The catalogue editors' workplace. Every model keeps its history (django-simple-history): the
"History" button on each object lists who changed what and when, and reverts to a version."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models as m
from .forms import CatalogueImportForm
from .hsds.formats import ImportRejected
from .hsds.importer import skipped_lines
from .search_columns import search_columns_set
from .selectors import review_cutoff, services_due_for_review
from .services import catalogue_import_upload, service_mark_reviewed, service_search_refresh

# Editors type addresses without a scheme; https is the safe guess (and Django 6's default).
URLS_ASSUME_HTTPS: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class CatalogueAdmin(SimpleHistoryAdmin):
    formfield_overrides = URLS_ASSUME_HTTPS


class ReviewStatusFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("Not reviewed for 6 months"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "overdue":
            return queryset.filter(pk__in=services_due_for_review(today=timezone.localdate()))
        return queryset


class ScheduleInline(admin.TabularInline):
    model = m.Schedule
    fk_name = "service"
    fields = ["freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to", "description"]
    extra = 0


class ContactInline(admin.TabularInline):
    model = m.Contact
    fields = ["name", "title", "department", "email"]
    extra = 0


class PhoneInline(admin.TabularInline):
    model = m.Phone
    fk_name = "service"
    fields = ["number", "type", "description", "description_en"]
    extra = 0


class LanguageInline(admin.TabularInline):
    model = m.Language
    fk_name = "service"
    fields = ["name", "code", "note"]
    extra = 0


class AttributeInline(admin.TabularInline):
    model = m.Attribute
    fields = ["taxonomy_term", "link_type", "value"]
    autocomplete_fields = ["taxonomy_term"]
    extra = 0


class ServiceAtLocationInline(admin.TabularInline):
    model = m.ServiceAtLocation
    fields = ["location", "description"]
    autocomplete_fields = ["location"]
    extra = 0


class StaffUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Display names repeat; the username tells two Kari Nordmanns apart.
        return f"{obj} ({obj.username})"


class ServiceStaffInline(admin.TabularInline):
    """Who works at the service, and who of them receives its referrals (its intake)."""

    model = m.ServiceStaff
    fields = ["user", "receives_referrals"]
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            # Editors choose among people who can sign in; they get no user admin of their own.
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_active=True).order_by("username")
            )
            kwargs["form_class"] = StaffUserField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(m.Service)
class ServiceAdmin(CatalogueAdmin):
    list_display = ["name", "organization", "level", "sector", "drop_in", "status", "assured_date"]
    list_filter = [
        ReviewStatusFilter,
        "status",
        "level",
        "sector",
        "drop_in",
        "free",
        "anonymous",
        "referral_required",
        "organization",
    ]
    search_fields = ["name", "name_en", "alternate_name", "description", "organization__name"]
    autocomplete_fields = ["organization"]
    date_hierarchy = "assured_date"
    inlines = [
        AttributeInline,
        ScheduleInline,
        PhoneInline,
        ContactInline,
        LanguageInline,
        ServiceAtLocationInline,
        ServiceStaffInline,
    ]
    actions = ["mark_reviewed"]
    fieldsets = [
        (None, {"fields": ["organization", "name", "name_en", "alternate_name", "status"]}),
        (
            _("What they help with"),
            {"fields": ["description", "description_en", "level", "sector"]},
        ),
        (
            _("Who can come"),
            {
                "fields": [
                    ("minimum_age", "maximum_age"),
                    "eligibility_description",
                    "eligibility_description_en",
                    ("drop_in", "free", "anonymous"),
                    "referral_required",
                    "referral_description",
                    "referral_description_en",
                ]
            },
        ),
        (
            _("Getting in touch"),
            {
                "fields": [
                    "application_process",
                    "application_process_en",
                    "wait_time",
                    "wait_time_en",
                    "fees_description",
                    "fees_description_en",
                    "email",
                    "url",
                    "open_on_public_holidays",
                ]
            },
        ),
        (_("Review"), {"fields": ["assured_date"]}),
    ]

    @admin.action(description=_("Mark as reviewed today"), permissions=["change"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[m.Service]) -> None:
        count = service_mark_reviewed(
            service_ids=queryset.values_list("pk", flat=True), today=timezone.localdate()
        )
        self.message_user(request, _("%(count)d marked as reviewed.") % {"count": count})

    # Name, description and topics feed the finder's search columns: the service is written with
    # them, for the topics it has (a revert from history saves only the service), and refreshed
    # after its inlines, which writes it again only if they changed its topics.
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        search_columns_set(obj, term_ids=obj.attributes.values_list("taxonomy_term_id", flat=True))
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        service_search_refresh(service_ids=[form.instance.pk])


@admin.register(m.ServiceDueForReview)
class ServiceDueForReviewAdmin(admin.ModelAdmin):
    """Read-only list: what editors should check next, oldest review first."""

    list_display = ["name", "organization", "assured_date"]
    list_filter = ["organization", "level"]
    search_fields = ["name", "organization__name"]
    ordering = ["assured_date", "name"]
    actions = ["mark_reviewed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return services_due_for_review(today=timezone.localdate()).select_related("organization")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        extra_context = {
            **(extra_context or {}),
            "title": _("Services not reviewed since %(date)s")
            % {"date": review_cutoff(timezone.localdate()).strftime("%d.%m.%Y")},
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Mark as reviewed today"))
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[m.Service]) -> None:
        if not request.user.has_perm("services_registry.change_service"):
            messages.error(request, _("You may not change services."))
            return
        count = service_mark_reviewed(
            service_ids=queryset.values_list("pk", flat=True), today=timezone.localdate()
        )
        self.message_user(request, _("%(count)d marked as reviewed.") % {"count": count})


class LocationScheduleInline(ScheduleInline):
    fk_name = "location"


class AddressInline(admin.StackedInline):
    model = m.Address
    extra = 0


class AccessibilityInline(admin.TabularInline):
    model = m.Accessibility
    formfield_overrides = URLS_ASSUME_HTTPS
    fields = ["description", "description_en", "details", "url"]
    extra = 0


@admin.register(m.Location)
class LocationAdmin(CatalogueAdmin):
    list_display = ["name", "organization", "location_type"]
    list_filter = ["location_type", "organization"]
    search_fields = ["name", "name_en", "addresses__address_1", "organization__name"]
    inlines = [AddressInline, AccessibilityInline, LocationScheduleInline]


@admin.register(m.Organization)
class OrganizationAdmin(CatalogueAdmin):
    list_display = ["name", "email", "website"]
    search_fields = ["name", "name_en", "alternate_name"]
    inlines = [ContactInline]
    change_list_template = "admin/services_registry/organization/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        urls: list[URLPattern] = [
            path("import/", view, name="services_registry_organization_import")
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload an HSDS file and see the report; a bad record saves nothing at all."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import HSDS"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = catalogue_import_upload(
                    actor=request.user,  # type: ignore[arg-type]
                    name=upload.name or "",
                    content=upload.read(),
                )
            except ImportRejected as error:
                context["rejected"] = str(error)
            else:
                context["report"] = report
                context["saved"] = sum(report.saved.values())
                context["skipped"] = skipped_lines(report)
        return TemplateResponse(
            request, "admin/services_registry/organization/import.html", context
        )


class TaxonomyTermInline(admin.TabularInline):
    model = m.TaxonomyTerm
    fields = ["code", "name", "name_en", "description", "parent"]
    extra = 0


@admin.register(m.Taxonomy)
class TaxonomyAdmin(CatalogueAdmin):
    list_display = ["name", "version"]
    search_fields = ["name"]
    inlines = [TaxonomyTermInline]


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(CatalogueAdmin):
    list_display = ["name", "name_en", "code", "taxonomy"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "name_en", "code"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        service_search_refresh(service_ids=obj.attributes.values_list("service_id", flat=True))


for model in (m.Schedule, m.Contact, m.Phone, m.Language, m.Accessibility, m.Address):
    admin.site.register(model, CatalogueAdmin)
