"""Links to the cases app's pages, by URL name, for notifications of the apps above it."""

from django.urls import reverse

from .models import Case


def case(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})
