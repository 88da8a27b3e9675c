"""The share's step profile of `make bench` (benchmarks/load.py) puts each statement under the
step of what it runs, a prepared one's EXECUTE included (coordination.statements)."""

from benchmarks import load
from coordination.statements import Prepared


def test_a_prepared_statement_counts_under_the_step_of_what_it_runs():
    entry = Prepared('SELECT "cases_entry"."id" FROM "cases_entry" WHERE "cases_entry"."id" = %s')
    head = Prepared('SELECT hash FROM "coordination_auditevent" WHERE chain = %s')
    assert load._step(entry.execute) == "access check (entry)"
    assert load._step(head.execute) == "audit append"
    assert load._step("EXECUTE sammen_unknown(1)") == "other SQL (rules, team, checks)"
