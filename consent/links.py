"""Where a notification about the share path points: consent's own pages, by URL name."""

from django.urls import reverse

from cases.models import Case, Entry

from .models import ConsentRequest


def entry(entry: Entry) -> str:
    return reverse("consent:entry", kwargs={"case_id": entry.case_id, "entry_id": entry.pk})


def who_knows_what(case: Case) -> str:
    return reverse("consent:who-knows-what", kwargs={"case_id": case.pk})


def consent_request(request: ConsentRequest) -> str:
    return reverse("consent:request", kwargs={"request_id": request.pk})
