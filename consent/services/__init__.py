"""THE share path (docs/architecture.md §3): the only code that lets anyone but an entry's author
and the young person see it, and the only code that takes that access away again.

Every function here runs in one transaction that first locks the case row (cases.services.
case_lock), so shares, withdrawals, rule changes, consent decisions and team changes on one case
are serialised: a share racing a withdrawal or the end of a rule sees the state the other left,
and no view permission outlives its disclosure. Notifications and audit rows are written inside
the same transaction; delivery is queued on commit by coordination.

One module per kind of use case: `share` (sharing and disclosing), `decisions` (consent
requests answered, disclosures withdrawn), `rules` (standing rules), `team` (leaving the team,
ending a guardianship), `closing` (closing and reopening a case), `expiry` (consent that
ends by itself), `blocks` (a person who receives nothing from the case), `watch` (the
young person's alerts when someone opens what they watch), `rooms` (what a room shared
ends for someone who is out of it), `payload` (a referral's entries to a service's intake,
who are not on the team), `automatic` (rules that share new entries by themselves),
`holding` and `reading_first` (shares under rules that wait until the young person has
read the entry).
"""

from .automatic import entry_share_automatically
from .blocks import block_create, block_remove
from .closing import case_close, case_reopen, follow_ups_remind
from .decisions import (
    consent_request_approve,
    consent_request_decline,
    consent_request_opinion,
    consent_requests_expire,
    withdraw,
)
from .expiry import disclosures_expire
from .payload import PayloadResult, payload_end, payload_send
from .reading_first import (
    held_share_withdraw,
    held_shares_on_open,
    held_shares_release,
    held_shares_timeout,
    reading_first_set,
)
from .rooms import room_access_end
from .rules import sharing_rule_create, sharing_rule_end
from .share import SHARE_BASES, ShareBlocked, ShareResult, share
from .team import guardianship_end, participant_remove, youth_adult_transitions
from .watch import category_watch, entries_opened, entry_watch

__all__ = [
    "SHARE_BASES",
    "PayloadResult",
    "ShareBlocked",
    "ShareResult",
    "block_create",
    "block_remove",
    "case_close",
    "case_reopen",
    "category_watch",
    "consent_request_approve",
    "consent_request_decline",
    "consent_request_opinion",
    "consent_requests_expire",
    "disclosures_expire",
    "entries_opened",
    "entry_share_automatically",
    "entry_watch",
    "follow_ups_remind",
    "guardianship_end",
    "held_share_withdraw",
    "held_shares_on_open",
    "held_shares_release",
    "held_shares_timeout",
    "participant_remove",
    "payload_end",
    "payload_send",
    "reading_first_set",
    "room_access_end",
    "share",
    "sharing_rule_create",
    "sharing_rule_end",
    "withdraw",
    "youth_adult_transitions",
]
