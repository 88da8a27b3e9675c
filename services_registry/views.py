"""The public finder ("Hvem skal jeg snakke med nå?") and service pages: no login needed."""

from dataclasses import dataclass
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.views.decorators.http import require_GET

from coordination.parsing import parse_page

from .forms import FinderForm
from .links import service_page_url
from .models import Service
from .opening import Day, hours_on, public_holiday, upcoming_exceptions, weekly_hours
from .selectors import finder_page, service_get_public, services_for_picker

PAGE_SIZE = 20
PICKER_LIMIT = 10


@dataclass(frozen=True)
class Result:
    service: Service
    today: Day
    open_now: bool
    url: str


@require_GET
def finder(request: HttpRequest) -> HttpResponse:
    form = FinderForm(request.GET or None)
    page, results = None, []
    now = timezone.localtime()
    if form.is_bound and form.is_valid():
        page = finder_page(
            query=form.finder_query(),
            now=now,
            number=parse_page(request.GET.get("page")),
            size=PAGE_SIZE,
        )
        url = service_page_url()
        for result in page.results:
            today = hours_on(result.service, result.schedules, now.date())
            results.append(
                Result(result.service, today, today.is_open_at(now.time()), url(result.service.id))
            )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "results": results,
        "query_string": query_string.urlencode(),
    }
    template = (
        "services_registry/_results.html"
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results"
        else "services_registry/finder.html"
    )
    return render(request, template, context)


@require_GET
def service_detail(request: HttpRequest, service_id: UUID) -> HttpResponse:
    service = service_get_public(service_id=service_id)
    now = timezone.localtime()
    schedules = list(service.schedules.all())
    today = hours_on(service, schedules, now.date())
    context = {
        "service": service,
        "today": today,
        "open_now": today.is_open_at(now.time()),
        "weekly": [
            (WEEKDAYS[index], index == now.weekday(), rows)
            for index, rows in weekly_hours(schedules, now.date())
        ],
        "exceptions": upcoming_exceptions(schedules, now.date())[:5],
        "holiday_today": public_holiday(now.date()),
        "phones": [phone for phone in service.phones.all() if phone.contact_id is None],
        "locations": [sal.location for sal in service.service_at_locations.all()],
    }
    return render(request, "services_registry/service_detail.html", context)


@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    """An htmx fragment listing services that match `q`, as radio buttons named `field`
    (default "service"); a case page embeds it to choose or suggest a service."""
    query = request.GET.get("q", "")[:200]
    field = request.GET.get("field", "service")
    if not field.isidentifier():
        field = "service"
    services = services_for_picker(query=query, limit=PICKER_LIMIT) if query.strip() else []
    return render(
        request,
        "services_registry/_picker.html",
        {"services": services, "field": field, "query": query},
    )
