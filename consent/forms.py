from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CLOSING_SUMMARY_MAX_CHARS, LEFT_SUMMARY_MAX_CHARS, Participant
from coordination.parsing import MAX_ID

from .access_log import AccessLogFilter
from .models import BLOCK_REASON_MAX_CHARS, PURPOSE_MAX_CHARS
from .periods import Ends, school_year_end, until_check, until_for

BASIS_ASK_OR_RULE = "auto"
BASIS_LEGAL_DUTY = "legal_duty"
TEXT_MAX_LENGTH = 2_000


def person_choice(participant: Participant) -> tuple[str, str]:
    """A team member as a choice: their name, role and service."""
    service = participant.service
    return (
        str(participant.user_id),
        f"{participant.user.name} – {participant.get_role_display()}"
        + (f", {service.name}" if service else ""),
    )


class ShareForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=_("Share with"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )
    basis = forms.ChoiceField(
        label=_("On what basis?"),
        widget=forms.RadioSelect,
        initial=BASIS_ASK_OR_RULE,
        choices=[
            (
                BASIS_ASK_OR_RULE,
                _(
                    "Follow the sharing agreement: shared at once where a standing rule allows "
                    "it, otherwise the person who gives consent is asked"
                ),
            ),
            (BASIS_LEGAL_DUTY, _("A legal duty requires me to share this")),
        ],
    )
    justification = forms.CharField(
        label=_("Legal reason (the young person will read this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    # Required by the share path unless a standing rule covers everyone chosen (it knows).
    purpose = forms.CharField(
        label=_("Why do you share this?"),
        help_text=_(
            "For example: so the school can adapt tests. The young person and whoever decides "
            "read it. You may leave it empty only where a standing rule covers everyone."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=PURPOSE_MAX_CHARS,
    )

    def __init__(self, *args: object, candidates: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        recipients = self.fields["recipients"]
        assert isinstance(recipients, forms.MultipleChoiceField)
        recipients.choices = [person_choice(p) for p in candidates]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if (
            cleaned.get("basis") == BASIS_LEGAL_DUTY
            and not cleaned.get("justification", "").strip()
        ):
            self.add_error(
                "justification", _("Write the legal reason. The young person will read it.")
            )
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not? (optional – the person who asked will see it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("What do you think?"),
        help_text=_("The people who decide will see what you write next to their decision."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": _("Write what you think.")},
    )


class CaseCloseForm(forms.Form):
    """The service checks the summary and the date again (consent.services.case_close)."""

    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": CLOSING_SUMMARY_MAX_CHARS}),
        max_length=CLOSING_SUMMARY_MAX_CHARS,
        help_text=_(
            "What was done, and what happens now. The young person and everyone on the team "
            "can read it."
        ),
        error_messages={
            "required": _("Write a short summary: what was done, and what happens now.")
        },
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("You get a reminder that day, for example for a follow-up talk."),
    )


class LeaveForm(forms.Form):
    summary = forms.CharField(
        label=_("A few words for the young person and the team (optional)"),
        help_text=_("For example: BUP has finished the treatment. Everyone on the case reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LEFT_SUMMARY_MAX_CHARS,
    )


class BlockForm(forms.Form):
    """Whom the young person (or a consent authority) blocks, from `people` on the team."""

    user = forms.TypedChoiceField(
        label=_("Who should get nothing from your case?"),
        coerce=int,
        error_messages={"required": _("Choose a person.")},
    )
    reason = forms.CharField(
        label=_("Why (optional; only you and those who decide with you read this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=BLOCK_REASON_MAX_CHARS,
    )

    def __init__(self, *args: object, people: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        user = self.fields["user"]
        assert isinstance(user, forms.TypedChoiceField)
        user.choices = [("", _("Choose a person")), *(person_choice(p) for p in people)]


class EndsForm(forms.Form):
    """For how long: until someone ends it, 1 month, 3 months, until the school year ends, or
    until a date. `ends_on()` is the last day in force (None: no end), checked like the API
    (consent.periods.until_check)."""

    # Not given (a plain "yes"): until it is stopped, as before end dates existed.
    ends = forms.ChoiceField(
        label=_("For how long?"),
        widget=forms.RadioSelect,
        initial=Ends.NEVER.value,
        required=False,
    )
    until = forms.DateField(
        label=_("Last day (if you chose a date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        school_ends = school_year_end(
            today=timezone.localdate(), month_day=settings.SAMMEN_SCHOOL_YEAR_ENDS
        )
        ends = self.fields["ends"]
        assert isinstance(ends, forms.ChoiceField)
        ends.choices = [
            (Ends.NEVER.value, _("Until it is stopped")),
            (Ends.ONE_MONTH.value, _("1 month")),
            (Ends.THREE_MONTHS.value, _("3 months")),
            (
                Ends.SCHOOL_YEAR.value,
                _("Until the school year ends (%(date)s)")
                % {"date": formats.date_format(school_ends, "j. F Y")},
            ),
            (Ends.DATE.value, _("Until a date I choose")),
        ]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        ends = cleaned.get("ends") or Ends.NEVER.value
        if ends == Ends.DATE and cleaned.get("until") is None and "until" not in self.errors:
            self.add_error("until", _("Choose the last day."))
            return cleaned
        if self.errors:
            return cleaned
        today = timezone.localdate()
        last_day = until_for(
            ends=ends,
            today=today,
            month_day=settings.SAMMEN_SCHOOL_YEAR_ENDS,
            chosen=cleaned.get("until"),
        )
        try:
            until_check(last_day, today=today)
        except ValidationError as error:
            self.add_error("until", error.message_dict["until"])
        cleaned["ends_on"] = last_day
        return cleaned

    def ends_on(self) -> date | None:
        return self.cleaned_data.get("ends_on")


# The access log's period: far enough either way for any real case, near enough that a day's
# start and end stay dates PostgreSQL and Python can both hold.
ACCESS_LOG_FIRST_DAY = date(1900, 1, 1)
ACCESS_LOG_LAST_DAY = date(9998, 12, 31)


class AccessLogFilterForm(forms.Form):
    """The access log's filters, for the page and the API alike (the API answers a form error
    with a 400 by field): one person who was ever on the team, one entry, a period of days."""

    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    entry = forms.IntegerField(
        label=_("Entry"), min_value=1, max_value=MAX_ID, required=False, widget=forms.HiddenInput
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].choices = [("", _("Everyone")), *people]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        for name in ("since", "until"):
            day = cleaned.get(name)
            if isinstance(day, date) and not ACCESS_LOG_FIRST_DAY <= day <= ACCESS_LOG_LAST_DAY:
                self.add_error(name, _("Choose a real date."))
        since, until = cleaned.get("since"), cleaned.get("until")
        if isinstance(since, date) and isinstance(until, date) and since > until:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned

    def narrowed(self) -> AccessLogFilter:
        """Callers ask this of a valid form."""
        return AccessLogFilter(
            person=self.cleaned_data["person"],
            entry=self.cleaned_data["entry"],
            since=self.cleaned_data["since"],
            until=self.cleaned_data["until"],
        )
