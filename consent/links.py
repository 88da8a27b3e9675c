"""Where a notification about the share path points (pages owned by the HTML views)."""

from cases.models import Case, Entry

from .models import ConsentRequest


def entry(entry: Entry) -> str:
    return f"/cases/{entry.case_id}/entries/{entry.pk}/"


def messages(case: Case) -> str:
    return f"/cases/{case.pk}/messages/"


def who_knows_what(case: Case) -> str:
    return f"/cases/{case.pk}/who-knows-what/"


def consent_request(request: ConsentRequest) -> str:
    return f"/consent/requests/{request.pk}/"
