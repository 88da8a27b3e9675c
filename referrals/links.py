"""Where notifications and overviews about referrals point, by URL name."""

from django.urls import reverse


def referral(referral_id: int) -> str:
    return reverse("referrals:detail", kwargs={"referral_id": referral_id})


def inbox() -> str:
    return reverse("referrals:inbox")


def refer(case_id: int) -> str:
    return reverse("referrals:create", kwargs={"case_id": case_id})


def case_referrals(case_id: int) -> str:
    return reverse("referrals:case", kwargs={"case_id": case_id})
