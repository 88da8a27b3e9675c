from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Entry, Participant

from .models import ActionItem, Evaluation, GuardiansQuestion, Meeting

TEXT_MAX_LENGTH = 5_000


def person_label(participant: Participant) -> str:
    label = f"{participant.user.name} – {participant.get_role_display()}"
    return label + (f", {participant.service.name}" if participant.service else "")


def _people_field(field: forms.Field, team: list[Participant]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = [(str(p.user_id), person_label(p)) for p in team]


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=5, max_value=600, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    attendees = forms.MultipleChoiceField(
        label=_("Suggest who should come (the young person chooses)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: object, team: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _people_field(self.fields["attendees"], team)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not cleaned.get("place") and not cleaned.get("video_link"):
            self.add_error("place", _("Say where the meeting is, or give a video link."))
        return cleaned


class GuardiansWishForm(forms.Form):
    wish = forms.ChoiceField(
        label=_("Do you want your parents or guardians at this meeting?"),
        choices=GuardiansQuestion.Wish.choices,
        widget=forms.RadioSelect,
    )
    why = forms.CharField(
        label=_("Why? (if you want to say)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class GuardiansDecisionForm(forms.Form):
    come = forms.TypedChoiceField(
        label=_("Do the guardians come to this meeting?"),
        choices=[("yes", _("Yes, they come")), ("no", _("No, they do not come"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("If you decide against what the young person wants: why? They will read this."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChooseForm(forms.Form):
    coming = forms.MultipleChoiceField(
        label=_("Who should come?"), widget=forms.CheckboxSelectMultiple, required=False
    )
    youth_presence = forms.ChoiceField(
        label=_("Do you come yourself?"),
        choices=Meeting.YouthPresence.choices,
        widget=forms.RadioSelect,
        initial=Meeting.YouthPresence.ATTENDS,
    )
    representative = forms.ChoiceField(label=_("If someone speaks for you: who?"), required=False)

    def __init__(
        self,
        *args: object,
        proposed: list[Participant],
        team: list[Participant],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _people_field(self.fields["coming"], proposed)
        representative = self.fields["representative"]
        assert isinstance(representative, forms.ChoiceField)
        representative.choices = [("", _("Nobody"))] + [
            (str(p.user_id), person_label(p)) for p in team
        ]


class ProposeForm(forms.Form):
    users = forms.MultipleChoiceField(
        label=_("Suggest more people"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, team: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _people_field(self.fields["users"], team)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    private = forms.BooleanField(
        label=_("Keep it to myself until I choose to share it"), required=False
    )


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=TEXT_MAX_LENGTH
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    # The version the page showed the writer (0: none yet): a newer one is not overwritten.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class MinutesApproveForm(forms.Form):
    # The version the young person read: approving never approves one they did not see.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ActionItemForm(forms.Form):
    description = forms.CharField(
        label=_("What will be done"),
        max_length=300,
        help_text=_("Write it so it reads after the name: “… will call the school”."),
    )
    owner = forms.ChoiceField(label=_("Who does it"))
    due = forms.DateField(label=_("By when"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, team: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "–")] + [(str(p.user_id), person_label(p)) for p in team]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )


class DistributeForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=_("Send the minutes to"), widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(
        label=_("What are the minutes about?"),
        choices=Entry.Category.choices,
        initial=Entry.Category.GENERAL,
    )

    def __init__(self, *args: object, team: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _people_field(self.fields["recipients"], team)


class EvaluationForm(forms.Form):
    heard = forms.TypedChoiceField(
        label=_("Was I heard?"),
        choices=Evaluation.Answer.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    understood = forms.TypedChoiceField(
        label=_("Did I understand what was said?"),
        choices=Evaluation.Answer.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    useful = forms.TypedChoiceField(
        label=_("Was the meeting useful?"),
        choices=Evaluation.Answer.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX_LENGTH,
    )
    anonymous = forms.BooleanField(
        label=_("Answer anonymously (your name is not stored with the answer)"), required=False
    )


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
