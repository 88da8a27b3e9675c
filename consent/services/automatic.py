"""Standing rules that share by themselves (issue #19 item 7): a new entry in the category of a
rule marked `automatic` goes to the rule's recipients through the share path when it is saved.

It runs in the transaction that saves the entry, under the case lock that transaction already
holds (cases.services.entry_create calls the AppConfig hook `entry_created`), not after commit:
the entry and its automatic disclosures commit together or not at all, so there is no moment in
which the entry exists and a recipient the rule promised it to cannot see it, a failed share
cannot leave an entry that silently was not shared, no broker is needed, and the author's
answer (page or API) already says with whom it was shared.
"""

from django.db import transaction

from cases.models import Entry
from coordination.models import User

from ..models import Disclosure
from ..selectors import rules_covering, share_candidates
from .share import ShareResult, share


@transaction.atomic
def entry_share_automatically(*, entry: Entry) -> ShareResult | None:
    """Shares a new `entry` with everyone an active automatic rule of its category covers who
    cannot see it yet (the share path re-checks everything under the case lock; with reading
    first on it waits for the young person, consent.services.reading_first). What the young
    person writes is theirs to share: never automatic. Idempotent: whoever already sees the
    entry is not a candidate again. None when the rules cover nobody."""
    case = entry.case
    if entry.author_id == case.youth_id:
        return None
    candidates = share_candidates(entry=entry)
    covered = rules_covering(
        case=case, category=entry.category, recipients=candidates, automatic_only=True
    )
    if not covered:
        return None
    author: User = entry.author
    return share(
        entry=entry,
        recipients=[p.user for p in candidates if p.user_id in covered],
        actor=author,
        basis=Disclosure.Basis.AGREEMENT,
        automatic=True,
    )
