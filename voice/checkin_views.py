"""The check-in page (issue #19 item 4): the young person reads how often their ungdomshjelper
gets in touch; the ungdomshjelper sets the rhythm and marks each check-in done."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.models import Case
from coordination.models import User
from coordination.pages import attempt
from coordination.parsing import posted_id
from coordination.rest import authenticated_user

from .checkins import (
    WEEKDAYS,
    access_check_ins,
    check_in_done,
    check_in_rhythm_set,
    check_ins_open,
    missed,
    rhythm_of,
    rhythm_sentence,
    ungdomshjelper_participant,
)
from .models import CheckIn


class RhythmForm(forms.Form):
    every_days = forms.TypedChoiceField(
        label=gettext_lazy("How often?"),
        coerce=int,
        choices=[
            (7, gettext_lazy("Every week")),
            (14, gettext_lazy("Every other week")),
            (21, gettext_lazy("Every third week")),
            (28, gettext_lazy("Every fourth week")),
        ],
    )
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Which day?"),
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
    )
    time = forms.TimeField(
        label=gettext_lazy("At what time?"), widget=forms.TimeInput(attrs={"type": "time"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_ins(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = access_check_ins(user=user, case_id=case_id)
    if request.method == "POST":
        handler = _ACTIONS.get(request.POST.get("action", ""))
        if handler is not None:
            handler(request, case, user)
        return redirect("voice:check_ins", case_id=case.pk)
    coordinator = ungdomshjelper_participant(case=case)
    rhythm = rhythm_of(case=case)
    is_coordinator = coordinator is not None and coordinator.user_id == user.pk
    initial = (
        {"every_days": rhythm.every_days, "weekday": rhythm.weekday, "time": rhythm.time}
        if rhythm
        else {"every_days": 14}
    )
    open_check_ins = check_ins_open(case=case, user=user) if is_coordinator else []
    return render(
        request,
        "voice/check_ins.html",
        {
            "case": case,
            "is_youth": user.pk == case.youth_id,
            "is_coordinator": is_coordinator,
            "sentence": rhythm_sentence(rhythm=rhythm, name=coordinator.user.name)
            if rhythm and coordinator
            else "",
            "form": RhythmForm(initial=initial),
            "check_ins": [(c, missed(c)) for c in open_check_ins],
        },
    )


def _set_rhythm(request: HttpRequest, case: Case, user: User) -> None:
    form = RhythmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how often, which day and a time."))
        return
    data = form.cleaned_data
    if attempt(
        request,
        lambda: check_in_rhythm_set(
            case=case,
            actor=user,
            every_days=data["every_days"],
            weekday=data["weekday"],
            at=data["time"],
        ),
    ):
        messages.success(request, _("Saved. The young person sees it on their home page."))


def _done(request: HttpRequest, case: Case, user: User) -> None:
    check_in = get_object_or_404(
        CheckIn, pk=posted_id(request, "check_in"), case=case, ungdomshjelper=user
    )
    if attempt(request, lambda: check_in_done(check_in=check_in, actor=user)):
        messages.success(request, _("Marked as done."))


_ACTIONS: dict[str, Callable[[HttpRequest, Case, User], None]] = {
    "rhythm": _set_rhythm,
    "done": _done,
}
