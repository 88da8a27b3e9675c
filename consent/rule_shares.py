"""Reads about shares under standing rules that happen without the author's click (rules that
share by themselves, issue #19 item 7) or wait for the young person (reading first, issue #16
item 6). The writes are in consent.services.automatic and consent.services.reading_first."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from cases.models import Entry
from cases.selectors import EntryNote
from coordination.models import User

from .models import Disclosure


def entry_sharing_notes(*, user: User, entry: Entry) -> list[EntryNote]:
    """For the author of `entry`: with whom it was shared automatically (entry page and entry
    API; cases.selectors.entry_notes). Nobody else is told here: the young person reads it in
    who-knows-what, recipients in their notification. One query for the author, none else."""
    if user.pk != entry.author_id:
        return []
    people = [
        d.recipient
        for d in Disclosure.objects.filter(entry=entry, automatic=True)
        .select_related("recipient")
        .order_by("granted_at", "id")
    ]
    if not people:
        return []
    return [
        EntryNote(
            kind="shared_automatically",
            text=_("Shared automatically with %(people)s.")
            % {"people": get_text_list([p.name for p in people], _("and"))},
            people=people,
        )
    ]
