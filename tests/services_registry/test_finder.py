"""The finder's search: Norwegian full text weighted name > description > topics, typo
tolerance, filters, and bad queries that give an empty result or a clear message, never a 500."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services_registry import selectors
from services_registry.models import SearchWord
from services_registry.search_columns import search_columns_set
from services_registry.selectors import FinderQuery, service_search
from services_registry.services import catalogue_import_path
from tests.factories import ScheduleFactory, ServiceFactory, TaxonomyTermFactory

from .conftest import write

pytestmark = pytest.mark.django_db
MONDAY_AFTERNOON = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))


def names(query, now=MONDAY_AFTERNOON):
    return [service.name for service in service_search(query=query, now=now)]


@pytest.fixture
def demo(tmp_path, document):
    catalogue_import_path(path=write(tmp_path, document))


def test_angst_age_15_open_now_finds_the_youth_clinic_and_bup(demo):
    # Given the demo catalogue on a Monday afternoon; when a 15-year-old searches "angst"
    found = names(FinderQuery(q="angst", age=15, open_now=True))
    # Then the youth health clinic and BUP are among the first results.
    assert "Helsestasjon for ungdom" in found[:5]
    assert "BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)" in found[:5]
    # Services only for adults are left out.
    assert "DPS Fjordvik, ungdomspoliklinikken" not in found


def test_a_typo_still_finds_the_topic(demo):
    assert "Helsestasjon for ungdom" in names(FinderQuery(q="angts"))
    assert "Rask psykisk helsehjelp" in names(FinderQuery(q="depresjonn"))


def test_english_words_find_services_through_their_english_text(demo):
    assert "Helsestasjon for ungdom" in names(FinderQuery(q="anxiety"))


def test_name_weighs_more_than_description_more_than_topics():
    term = TaxonomyTermFactory(name="Søvn", name_en="Sleep")
    ServiceFactory(name="Annet", description="Noe annet.", topics=[term])
    ServiceFactory(name="Samtaler", description="Vi hjelper med søvn.")
    ServiceFactory(name="Søvn og hvile", description="Hjelp.")
    assert names(FinderQuery(q="søvn")) == ["Søvn og hvile", "Samtaler", "Annet"]


def test_filters_age_topic_drop_in_free_anonymous():
    anxiety = TaxonomyTermFactory(code="angst", name="Angst")
    ServiceFactory(
        name="Ung",
        minimum_age=13,
        maximum_age=20,
        topics=[anxiety],
        drop_in=True,
        free=True,
        anonymous=True,
    )
    ServiceFactory(name="Voksen", minimum_age=18, topics=[anxiety])
    ServiceFactory(name="Alle")
    assert names(FinderQuery(age=15)) == ["Alle", "Ung"]
    assert names(FinderQuery(age=40)) == ["Alle", "Voksen"]
    assert names(FinderQuery(topic="angst")) == ["Ung", "Voksen"]
    assert names(FinderQuery(topic="finnes-ikke")) == []
    for flag in ("drop_in", "free", "anonymous"):
        assert names(FinderQuery(**{flag: True})) == ["Ung"]


def test_open_now_filter():
    open_service = ServiceFactory(name="Åpen")
    ScheduleFactory(service=open_service, byday="MO")
    ScheduleFactory(service=ServiceFactory(name="Stengt"), byday="TU")
    assert names(FinderQuery(open_now=True)) == ["Åpen"]


def test_inactive_services_are_not_found():
    ServiceFactory(name="Nedlagt", status="defunct")
    assert names(FinderQuery(q="nedlagt")) == []


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE services_registry_service; --",
        "<script>alert(1)</script>",
        ".*(angst|[a-z]+)\\",
        "% _ \\ ' \" & | ! : * ( )",
        "angst " * 2000,
        "\x00",
    ],
)
def test_metacharacters_and_huge_queries_never_fail(query):
    ServiceFactory(name="Helsestasjon")
    assert isinstance(names(FinderQuery(q=query.replace("\x00", ""))), list)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "a" * 10_000}, "Bruk høyst 200 tegn."),
        ({"age": "-1"}, "Alderen må være mellom 0 og 120."),
        ({"age": "121"}, "Alderen må være mellom 0 og 120."),
        ({"age": "femten"}, "Skriv alderen som et tall"),
        ({"topic": "<b>x</b>"}, "Velg et gyldig valg"),
    ],
)
def test_the_page_explains_bad_input(client, params, message):
    response = client.get(reverse("services_registry:finder"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page"] is None


@pytest.mark.parametrize(
    "query",
    # A NUL never reaches the page: coordination.middleware answers 400 (test_hostile_input).
    ["<script>alert(1)</script>", "'; DROP TABLE x; --", ".*[(", "%_\\"],
)
def test_the_page_escapes_and_survives_metacharacters(client, query):
    ServiceFactory(name="Helsestasjon")
    response = client.get(reverse("services_registry:finder"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


CHRISTMAS_DAY = datetime.datetime(2026, 12, 25, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))


def test_a_result_page_statement_is_the_one_the_orm_writes_anew():
    """Each search's statement is compiled once a process for its shape (which step, how many
    words, which filters, a holiday or not), and its page's arrays of opening hours and topics
    too: with this call's values bound it must be exactly the statement the ORM (with
    django-cte) builds anew for them, on any page, for every step of the finder's searches
    (the snapshots', the benchmark's, and more words, typos and filters)."""
    open_now = FinderQuery(topic="angst", drop_in=True, anonymous=True, open_now=True)
    searches = [
        (FinderQuery(), MONDAY_AFTERNOON),
        (FinderQuery(q="angst", age=15), MONDAY_AFTERNOON),
        (FinderQuery(q="angst", age=15, open_now=True), MONDAY_AFTERNOON),
        (FinderQuery(q="angst", age=15, open_now=True), CHRISTMAS_DAY),
        # Two words: the any-word step too (one plain word skips it).
        (FinderQuery(q="angst uro", age=15, open_now=True), MONDAY_AFTERNOON),
        (FinderQuery(q="angst uro", age=15, open_now=True), CHRISTMAS_DAY),
        (FinderQuery(q="angsst"), MONDAY_AFTERNOON),
        (FinderQuery(q="rus og alkohol"), MONDAY_AFTERNOON),
        (FinderQuery(q="helse ungdom gratis", topic="skole"), MONDAY_AFTERNOON),
        (FinderQuery(age=17, free=True), MONDAY_AFTERNOON),
        (open_now, MONDAY_AFTERNOON),
        (open_now, CHRISTMAS_DAY),
        (FinderQuery(q="<b>&' bup"), MONDAY_AFTERNOON),
        (FinderQuery(q="angts depresjn ab", age=0, free=True), MONDAY_AFTERNOON),
    ]
    checked = 0
    with connection.cursor() as cursor:
        for query, now in searches:
            for step in selectors._search_steps(query=query, now=now):
                topics, offset = checked % 2 == 0, 20 * (1 + checked % 3)
                _template, sql, params = selectors._page_statement(step, topics, offset, 20)
                anew = selectors._page_rows(
                    step.services(),
                    topics,
                    offset,
                    20,
                    array=lambda name: selectors.PAGE_ARRAYS[name](),
                )
                assert cursor.mogrify(sql, params) == cursor.mogrify(*anew.query.sql_with_params())
                checked += 1
    assert checked == 30


@pytest.mark.parametrize(
    "query",
    [
        FinderQuery(),
        FinderQuery(q="angst"),
        FinderQuery(q="angst rus vold"),
        FinderQuery(q="angts"),
        FinderQuery(age=15, open_now=True),
        FinderQuery(q="rus", topic="rus"),
    ],
)
def test_a_result_page_is_the_page_of_the_search_in_its_order_with_its_total(query):
    """The page's statement ranks and counts narrow rows and joins the page's services back:
    each page holds the services the search's own order puts there, the total counts them all.
    Equal ranks (the same texts, the same name) fall back on the name, then the id."""
    drugs = TaxonomyTermFactory(code="rus", name="Rus")
    for n in range(9):
        open_service = ServiceFactory(
            name=f"Tjeneste {n % 4}",
            description="Vi hjelper med angst." if n % 3 else "Angst og rus, angst.",
            minimum_age=[None, 13, 16][n % 3],
            topics=[drugs] if n % 2 else [],
        )
        ScheduleFactory(service=open_service, byday="MO")
        ServiceFactory(name=f"Angst {n % 2}", description="Vold.", topics=[drugs])
    for step in selectors._search_steps(query=query, now=MONDAY_AFTERNOON):
        expected = list(step.services().values_list("id", flat=True))
        for offset in (0, 4, 8, 12, len(expected) + 4):
            page = selectors._page(step, False, offset, 4)
            assert [service.id for service in page] == expected[offset : offset + 4]
            assert {service.total for service in page} <= {len(expected)}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("angt", ["Angst og uro"]),  # a letter dropped
        ("angsst", ["Angst og uro"]),  # a letter doubled
        ("angts", ["Angst og uro"]),  # two letters swapped
        # In the name or a topic alike.
        ("deprejson", ["Depresjon", "Sorg"]),
        # Each word for itself, the best match first: "depresjn" is nearer its word.
        ("angts depresjn", ["Depresjon", "Sorg", "Angst og uro"]),
        # Words shorter than TYPO_MIN_LENGTH are abbreviations, not typos.
        ("angts ab", ["Angst og uro"]),
        ("ab cd", []),
    ],
)
def test_a_typo_of_one_word_finds_the_service_holding_the_word(query, found):
    ServiceFactory(name="Angst og uro")
    ServiceFactory(name="Sorg", topics=[TaxonomyTermFactory(name="Depresjon")])
    ServiceFactory(name="Depresjon")
    ServiceFactory(name="Familie")
    assert names(FinderQuery(q=query)) == found


def test_a_match_across_two_words_is_no_typo():
    """Over the whole text "angts" is as alike "rights and" (0.5: "ts", " an") as the word
    "angst" is: per word, neither "rights" (0.17) nor "and" (0.33) is a typo of it."""
    ServiceFactory(name="Angst og uro")
    ServiceFactory(name="Ung rettshjelp", name_en="Rights and the law")
    assert names(FinderQuery(q="angts")) == ["Angst og uro"]


def test_the_typo_step_reads_the_trigram_and_word_indexes_not_every_row():
    """The planner prices the trigram operator as cheap and, on a table without dead rows, would
    compute it for every word: the typo step turns sequential scans off for its transaction,
    and the services holding the matched words are read through their words' index."""
    ServiceFactory(name="Angst og uro", topics=[TaxonomyTermFactory(name="Angst")])
    ServiceFactory(name="Sorg")
    # A catalogue's worth of words (5,000 services: 5,212), analyzed.
    SearchWord.objects.bulk_create(SearchWord(word=f"ord{n}") for n in range(6000))
    with connection.cursor() as cursor:
        # No VACUUM first: the trigram index has no pending list of new words to clean.
        cursor.execute("ANALYZE services_registry_searchword")
    with CaptureQueriesContext(connection) as captured:
        page = selectors.finder_page(
            query=FinderQuery(q="angts"), now=MONDAY_AFTERNOON, number=1, size=20
        )
    assert [result.service.name for result in page.results] == ["Angst og uro"]
    with connection.cursor() as cursor:
        # Dropped in the test's transaction: on two services the active services' name index
        # is as cheap a way to every row, where on 5,000 the planner takes the word list's
        # index beside it (benchmarks/README.md, session 15 "finder").
        cursor.execute("DROP INDEX service_active_by_name")
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan on searchword_word_trgm" in plan
    assert "Index Scan on service_search_word_list" in plan
    assert "Seq Scan" not in plan


def test_the_words_are_indexed_for_the_typo_step_alone():
    """The trigram index without a pending list (new words go straight into it), and no btree
    for LIKE prefixes beside the primary key: nothing reads the words so."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = 'services_registry_searchword'::regclass"
        )
        indexes = dict(cursor.fetchall())
    assert indexes == {
        "services_registry_searchword_pkey": None,
        "searchword_word_trgm": ["fastupdate=off"],
    }


def test_the_catalogues_words_are_written_with_the_services():
    """By the refresh (the factory's) and by a save with its search columns set (the importer's
    and the admin's); a word the service no longer has stays, unused."""
    service = ServiceFactory(name="Angst og uro")
    assert set(SearchWord.objects.values_list("word", flat=True)) == {"angst", "og", "uro"}
    service.name = "Sorg, uro"
    search_columns_set(service, term_ids=[])
    service.save()
    service.refresh_from_db()
    assert service.search_word_list == ["sorg", "uro"]
    assert set(SearchWord.objects.values_list("word", flat=True)) == {"angst", "og", "sorg", "uro"}


def test_the_pickers_typo_step_runs_in_the_transaction_of_its_setting():
    """The typo step's setting is transaction-local (`_search_steps`): a request calls the picker
    in autocommit, where the setting would end with its own statement, so the picker opens a
    transaction around the step's statements (here seen inside the test's own)."""
    ServiceFactory(name="Angst og uro", topics=[TaxonomyTermFactory(name="Angst")])
    ServiceFactory(name="Sorg")
    depth = len(connection.atomic_blocks)
    depths = {}

    def record_depth(execute, sql, params, many, context):
        if "set_config" in sql or "%%>" in sql:
            depths["setting" if "set_config" in sql else "typo"] = len(connection.atomic_blocks)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record_depth):
        found = [service.name for service in selectors.services_for_picker(query="angts")]
    assert found == ["Angst og uro"]
    assert depths == {"setting": depth + 1, "typo": depth + 1}


def test_open_now_asks_the_weekly_hours_index_alone():
    """Each candidate's weekly hours are checked from the partial index's own columns (an
    index-only scan) when the planner may not read the table: the index covers the rule."""
    ScheduleFactory(service=ServiceFactory(name="Åpen"), byday="MO")
    with CaptureQueriesContext(connection) as captured:
        page = selectors.finder_page(
            query=FinderQuery(open_now=True), now=MONDAY_AFTERNOON, number=1, size=20
        )
    assert [result.service.name for result in page.results] == ["Åpen"]
    with connection.cursor() as cursor:
        # Only the index under test may answer the lookup by service (dropped in the test's
        # transaction): with the table's other indexes on service_id the planner's choice
        # depends on the statistics earlier tests left (seen in a fresh clone); nor the index
        # of the weekly hours by time, which asks whether anything is open at all.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'services_registry_schedule'"
            " AND indexname <> 'schedule_weekly_open' AND (indexdef LIKE '%(service_id%'"
            " OR indexname = 'schedule_weekly_hours')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using schedule_weekly_open" in plan


def test_open_now_reads_no_service_when_nothing_is_open_at_the_moment():
    """Whether anything at all is open (an exception's or a weekly row's hours) is asked once a
    statement: at night no candidate is tested, and no service row is read, only schedule rows.
    Which of the schedule's indexes answers is the planner's choice and depends on the table's
    size and statistics (at 5,000 services the partial indexes of migration 0007, see
    benchmarks/README.md; on these few rows it may take another), so it is not pinned here."""
    ScheduleFactory(service=ServiceFactory(name="Åpen"), byday="MO")
    ScheduleFactory(
        service=ServiceFactory(name="Unntak"),
        freq="",
        byday="",
        valid_from=MONDAY_AFTERNOON.date(),
        opens_at=datetime.time(10),
        closes_at=datetime.time(12),
    )
    at_night = MONDAY_AFTERNOON.replace(hour=3)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.finder_page(
            query=FinderQuery(q="åpen", open_now=True), now=at_night, number=1, size=20
        )
    assert page.results == []
    with connection.cursor() as cursor:
        # As on a catalogue of thousands: the indexes, not a scan of every schedule row.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + captured.captured_queries[0]["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]
    nodes, reads = [plan], []
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        reads.append((node.get("Relation Name"), node.get("Index Name"), node["Actual Loops"]))
    assert {table for table, _, loops in reads if table and loops} == {"services_registry_schedule"}
    assert any(table == "services_registry_service" for table, _, _ in reads)


def test_a_query_of_one_plain_word_skips_the_any_word_step():
    """One word of `ONE_LEXEME`'s letters and digits is the same query to the every-word step's
    parser as to the any-word step's, so the finder goes from the one straight to the typos;
    any other query keeps the any-word step."""
    letters = "0123456789abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    words = [*letters, *(f"a{c}b" for c in letters), *(f"1{c}2" for c in letters), "angst"]
    assert all(selectors.ONE_LEXEME.fullmatch(word) for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE websearch_to_tsquery('norwegian', w)::text"
            " <> plainto_tsquery('norwegian', w)::text",
            [words],
        )
        assert cursor.fetchall() == []

    def steps(q):
        taken = []
        for step in selectors._search_steps(query=FinderQuery(q=q), now=MONDAY_AFTERNOON):
            taken.append(step.shape.step)
            if step.last:
                return taken

    assert steps("Angst") == ["every", "typo"]
    assert steps("bup") == ["every"]
    for query in ("angst rus", "e-post", "ab_cd", "-angst", "angst!", "x²yz"):
        assert steps(query) == ["every", "any", "typo"]


def test_a_search_without_words_reads_the_active_services_by_name_from_an_index_alone():
    """Without words the services come by name, then id, all of them counted: the partial index
    of the active services in that order, holding the columns the filters test, answers the
    search without reading their wide rows (when the planner may not read the table)."""
    ServiceFactory(name="Ung", minimum_age=13, free=True)
    ServiceFactory(name="Alle", free=True)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.finder_page(
            query=FinderQuery(age=17, free=True, drop_in=False),
            now=MONDAY_AFTERNOON,
            number=1,
            size=20,
        )
    assert [result.service.name for result in page.results] == ["Alle", "Ung"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using service_active_by_name" in plan


def test_a_topic_without_words_is_read_once_a_statement_not_for_each_service():
    """Without words every active service is a candidate, taken in name order: the topic's
    services are read once a statement (an InitPlan's array), not looked up for each service
    (on 5,000 services the planner probed each one, priced for the page's LIMIT: 18-30 ms)."""
    anxiety = TaxonomyTermFactory(code="angst", name="Angst")
    for name in ("Cecilie", "Anna", "Bjørn"):
        ServiceFactory(name=name, topics=[anxiety])
    ServiceFactory(name="Annet", topics=[TaxonomyTermFactory(code="rus", name="Rus")])
    services = service_search(query=FinderQuery(topic="angst"), now=MONDAY_AFTERNOON)
    assert [service.name for service in services] == ["Anna", "Bjørn", "Cecilie"]
    sql, params = services.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]
    nodes, reads = [(plan, False)], []
    while nodes:
        node, once = nodes.pop()
        once = once or node.get("Parent Relationship") == "InitPlan"
        nodes.extend((child, once) for child in node.get("Plans", []))
        if node.get("Relation Name") == "services_registry_attribute":
            reads.append((once, node["Actual Loops"]))
    assert reads == [(True, 1)]
