"""A block racing a share (real PostgreSQL, real threads): both take the case lock, so whichever
commits second sees the other's state, and no permission row is left behind for the blocked
person either way."""

import pytest

from cases.models import Case, EntryUserObjectPermission
from consent.models import Disclosure
from consent.services import ShareBlocked, block_create, consent_request_approve, share
from tests.cases.conftest import seeded

from .helpers import write_entry
from .test_invariant import actual_rows, expected_rows
from .test_races import race

pytestmark = pytest.mark.django_db(transaction=True)


def refused(action):
    """The action's ShareBlocked, returned instead of raised (race() wants no errors)."""

    def run():
        try:
            return action()
        except ShareBlocked as error:
            return error

    return run


def no_row_for(user, entry) -> bool:
    return not EntryUserObjectPermission.objects.filter(user=user, content_object=entry).exists()


def test_a_share_waiting_on_a_block_is_refused_and_grants_nothing(settings):
    demo = seeded(settings)
    sara, teacher, bup = demo["sara"], demo["laerer"], demo["bup"]
    # Sara's school rule covers BUP: without the block the share would go through at once
    entry = write_entry(demo.sara_case, teacher, category="school")
    result = race(
        entry.case_id,
        lambda: block_create(case_id=demo.sara_case.pk, actor=sara, user=bup),
        refused(lambda: share(entry=entry, recipients=[bup], actor=teacher)),
    )
    assert isinstance(result, ShareBlocked) and result.code == "blocked"
    assert not Disclosure.objects.filter(entry=entry).exists()
    assert no_row_for(bup, entry)


def test_a_block_waiting_on_a_share_ends_what_the_share_made(settings):
    demo = seeded(settings)
    sara, teacher, bup = demo["sara"], demo["laerer"], demo["bup"]
    entry = write_entry(demo.sara_case, teacher, category="school")
    race(
        entry.case_id,
        lambda: share(entry=entry, recipients=[bup], actor=teacher),
        lambda: block_create(case_id=demo.sara_case.pk, actor=sara, user=bup),
    )
    disclosure = Disclosure.objects.get(entry=entry, recipient=bup)
    assert disclosure.end_reason == "blocked"
    assert no_row_for(bup, entry)
    case = Case.objects.get(pk=demo.sara_case.pk)
    assert actual_rows(case) == expected_rows(case)


def test_an_approval_waiting_on_a_block_is_refused_and_grants_nothing(settings):
    demo = seeded(settings)
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    entry = write_entry(demo.sara_case, nurse)
    request = share(entry=entry, recipients=[bup], actor=nurse).consent_request
    result = race(
        entry.case_id,
        lambda: block_create(case_id=demo.sara_case.pk, actor=sara, user=bup),
        refused(lambda: consent_request_approve(consent_request=request, actor=sara)),
    )
    assert isinstance(result, ShareBlocked)
    assert not Disclosure.objects.filter(entry=entry).exists()
    assert no_row_for(bup, entry)
