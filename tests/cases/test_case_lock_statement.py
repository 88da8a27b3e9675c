"""Every write on a case takes its row lock first (cases.services.case_lock), with a statement
compiled once a process (issue 18 item 3): it sends the ORM's own statement for the lock (FOR NO
KEY UPDATE of the case row only, the young person with it), answers a case that does not exist
as the ORM's `get` did, and refuses to lock outside a transaction as Django does."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.services import case_lock
from coordination.locks import for_update
from coordination.statements import Prepared
from tests.prepared import statement_text


@pytest.mark.django_db
def test_the_lock_is_the_orms_statement_for_the_case(demo):
    case = demo.sara_case
    expected = (
        for_update(Case.objects.select_related("youth"))
        .filter(pk=case.pk)
        .order_by()
        .query.get_compiler(connection=connection)
        .as_sql()
    )
    with CaptureQueriesContext(connection) as seen, transaction.atomic():
        locked = case_lock(case.pk)
    # A compiled read sends EXECUTE: PostgreSQL's record of the connection says what it runs.
    (statement,) = [
        q["sql"] for q in seen.captured_queries if "cases_case" in statement_text(q["sql"])
    ]
    assert "FOR NO KEY UPDATE OF" in expected[0]
    orms = Prepared(expected[0])
    assert statement_text(statement) == orms.prepare
    with connection.cursor() as cursor:
        assert statement == cursor.mogrify(orms.execute, expected[1]).decode()
    assert (locked.pk, locked.youth.pk, locked.title) == (case.pk, demo["sara"].pk, case.title)


@pytest.mark.django_db
def test_a_case_that_does_not_exist_is_not_found(demo):
    with pytest.raises(Case.DoesNotExist), transaction.atomic():
        case_lock(Case.objects.order_by("-pk").first().pk + 1)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_lock_outside_a_transaction():
    with pytest.raises(TransactionManagementError):
        case_lock(1)
