from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Entry, Participant
from consent.forms import EndsForm
from services_registry.models import Service

from .plain import TOPICS
from .selectors import Candidate


def person_label(participant: Participant) -> str:
    label = f"{participant.user.name} – {participant.get_role_display()}"
    return label + (f", {participant.service.name}" if participant.service else "")


class RuleForm(EndsForm):
    """A standing rule in the young person's words: what topic, who may see it, and for how
    long."""

    category = forms.ChoiceField(label=_("What is it about?"))
    recipient = forms.ChoiceField(label=_("Who may see it?"))
    automatic = forms.BooleanField(
        label=_("Share new things about this with them automatically, without asking first"),
        required=False,
    )
    field_order = ["category", "recipient", "automatic", "ends", "until"]

    def __init__(
        self,
        *args: object,
        categories: set[str],
        team: list[Participant],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [
            (value, str(TOPICS[Entry.Category(value)]).capitalize())
            for value in Entry.Category.values
            if value in categories
        ]
        choices: list[tuple[str, str]] = [
            ("role:helper", str(_("All your helpers"))),
            ("role:guardian", str(_("Your parents or guardians"))),
        ]
        services = {p.service.pk: p.service for p in team if p.service is not None}
        choices += [
            (f"service:{service.pk}", str(_("Everyone at %(service)s") % {"service": service.name}))
            for service in services.values()
        ]
        choices += [(f"user:{p.user_id}", person_label(p)) for p in team]
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        recipient.choices = choices


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.SAMMEN_MESSAGE_MAX_CHARS,
        error_messages={"required": _("Write a message.")},
    )
    recipients = forms.MultipleChoiceField(
        label=_("Who gets it?"),
        help_text=_("Only the people you tick can read it. You can see it in «Who knows what»."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: object, recipients: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["recipients"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(p.user_id), person_label(p)) for p in recipients]
        if not recipients:
            del self.fields["recipients"]


class ChooseForm(forms.Form):
    chosen = forms.ChoiceField(
        label=_("Who do you want as your ungdomshjelper?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one person.")},
    )

    def __init__(self, *args: object, candidates: list[Candidate], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["chosen"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                str(c.user.pk),
                person_label(c.participant)
                if c.participant
                else str(_("%(name)s – youth coordinator in the municipality"))
                % {"name": c.user.name},
            )
            for c in candidates
        ]


class FeedbackForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Which service is it about?"),
        queryset=Service.objects.none(),
        error_messages={"required": _("Choose a service.")},
    )
    rating = forms.TypedChoiceField(
        label=_("How good is the help you get?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (1, _("1 – very bad")),
            (2, _("2 – bad")),
            (3, _("3 – okay")),
            (4, _("4 – good")),
            (5, _("5 – very good")),
        ],
        error_messages={"required": _("Choose a number.")},
    )
    text = forms.CharField(
        label=_("What do you want to say? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2_000,
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: nobody can see that it was me"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: object, services: QuerySet[Service], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services


class RemarkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        widget=forms.RadioSelect,
        initial="comment",
        choices=[
            ("comment", _("Write a comment to the person who wrote it")),
            ("correction", _("Say what is wrong and how it should be")),
        ],
    )
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        error_messages={"required": _("Write your comment.")},
    )
    proposed_body = forms.CharField(
        label=_("How the text should be (only for a correction)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=50_000,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the young person"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5_000,
    )


class AcceptForm(AnswerForm):
    # The entry's text the author was shown (voice.selectors.entry_version): a text changed
    # since is not overwritten.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("A goal, in your own words"),
        max_length=300,
        error_messages={"required": _("Write a few words.")},
    )


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("A small step"),
        max_length=300,
        error_messages={"required": _("Write a few words.")},
    )
    owner = forms.ChoiceField(label=_("Who does it?"))
    due = forms.DateField(
        label=_("By when? (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, team: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [(str(p.user_id), person_label(p)) for p in team]


class CommitForm(forms.Form):
    """A helper's own step under the young person's goal: what they will do, by when."""

    text = forms.CharField(
        label=_("What will you do?"),
        max_length=300,
        error_messages={"required": _("Write a few words.")},
    )
    due = forms.DateField(label=_("By when? (optional)"), required=False)


class StepCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=500,
        error_messages={"required": _("Write a few words.")},
    )


class GoalEvaluationForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Did it help?"),
        coerce=int,
        choices=[
            (1, _("1 – not at all")),
            (2, _("2 – a little")),
            (3, _("3 – somewhat")),
            (4, _("4 – quite a lot")),
            (5, _("5 – a lot")),
        ],
        error_messages={"required": _("Choose a number.")},
    )
    words = forms.CharField(label=_("In your own words (optional)"), required=False, max_length=500)
    at_meeting = forms.BooleanField(label=_("We talked about it at a meeting"), required=False)
