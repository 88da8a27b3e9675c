"""Where a notification about the share path points: consent's own pages, by URL name."""

from urllib.parse import urlencode

from django.urls import reverse

from cases.models import Case, Entry

from .models import ConsentRequest


def entry(entry: Entry) -> str:
    return reverse("consent:entry", kwargs={"case_id": entry.case_id, "entry_id": entry.pk})


def who_knows_what(case: Case) -> str:
    return reverse("consent:who-knows-what", kwargs={"case_id": case.pk})


def access_log(entry: Entry) -> str:
    """The access log narrowed to one entry (who opened it, when and why)."""
    path = reverse("consent:access-log", kwargs={"case_id": entry.case_id})
    return path + "?" + urlencode({"entry": entry.pk})


def consent_request(request: ConsentRequest) -> str:
    return reverse("consent:request", kwargs={"request_id": request.pk})


def held_shares(case: Case) -> str:
    """What waits for the young person to read it before it is shared (reading first)."""
    return reverse("consent:reading-first", kwargs={"case_id": case.pk})
