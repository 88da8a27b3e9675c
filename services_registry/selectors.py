"""Every non-trivial read of the catalogue. The catalogue is public: what the finder shows, anyone
may see; only active services are shown outside the admin."""

import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, reduce
from typing import Any, TypeVar
from uuid import UUID

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import (
    DEFERRED,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, JSONObject
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_cte import CTE, with_cte

from coordination.months import add_months
from coordination.statements import AnyOf, CompiledRead, rows_of

from .models import (
    SEARCH_COLUMNS,
    Attribute,
    Schedule,
    SearchWord,
    Service,
    ServiceStaff,
    TaxonomyTerm,
)
from .opening import open_now_q

# Longer queries are refused by the forms; this only bounds what reaches PostgreSQL.
MAX_QUERY_LENGTH = 200
# How alike a query word and a name/topic word must be to count as a typo of it (0..1).
TYPO_SIMILARITY = 0.4
# Shorter queries and query words ("bup", "nav") are abbreviations, not typos: full text only.
TYPO_MIN_LENGTH = 4
# Name (A) > description (B) > topics (C); D is unused.
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
REVIEW_MONTHS = 6
# What a finder result shows (page and API) and `opening.hours_on` reads; the rest of a service
# (long texts, search columns) stays in the database.
RESULT_FIELDS = [
    "name",
    "name_en",
    "description",
    "description_en",
    "minimum_age",
    "maximum_age",
    "level",
    "sector",
    "drop_in",
    "free",
    "anonymous",
    "referral_required",
    "open_on_public_holidays",
    "organization__name",
    "organization__name_en",
]
TOPIC_FIELDS = ["id", "code", "name", "name_en"]
# What `opening.hours_on` and the day's line of a result read.
SCHEDULE_FIELDS = [
    "id",
    "valid_from",
    "valid_to",
    "freq",
    "byday",
    "opens_at",
    "closes_at",
    "description",
    "description_en",
]

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class FinderQuery:
    q: str = ""
    age: int | None = None
    topic: str = ""
    drop_in: bool = False
    free: bool = False
    anonymous: bool = False
    open_now: bool = False


def _with_display_relations(services: QuerySet[Service]) -> QuerySet[Service]:
    # The search columns are wide and never shown: leave them in the database.
    return (
        services.defer(*SEARCH_COLUMNS)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "attributes",
                queryset=Attribute.objects.select_related("taxonomy_term").order_by(
                    "taxonomy_term__name"
                ),
            ),
            "schedules",
        )
    )


def service_search(*, query: FinderQuery, now: datetime) -> QuerySet[Service]:
    """The finder: active services matching the words and the filters, best match first (by
    name when there are no words). Words are matched as Norwegian full text, all of them; when
    nothing has them all, any of them; when nothing has any, as typos of name and topic words
    (trigram similarity). Each step runs only when the one before found nothing, which keeps the
    common case on the full-text index."""
    return _first_that_finds(_search_steps(query=query, now=now))


def _first_that_finds(steps: Iterator[tuple[QuerySet[Service], bool]]) -> QuerySet[Service]:
    """The first of the steps that finds anything (asked with `exists()`), else the last."""
    for services, last in steps:
        if last or services.exists():
            break
    return services


def _search_steps(*, query: FinderQuery, now: datetime) -> Iterator[tuple[QuerySet[Service], bool]]:
    """`service_search`'s steps in order, each with whether it is the last: the caller asks
    whether a step found anything (by `exists()`, or by the rows of the page it wanted anyway)
    before it takes the next one."""
    services = Service.objects.filter(status=Service.Status.ACTIVE)
    if query.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age),
        )
    if query.topic:
        services = services.filter(
            Exists(
                Attribute.objects.filter(service=OuterRef("pk"), taxonomy_term__code=query.topic)
            )
        )
    for flag in ("drop_in", "free", "anonymous"):
        if getattr(query, flag):
            services = services.filter(**{flag: True})
    if query.open_now:
        services = services.filter(open_now_q(now))
    words = " ".join(query.q.split())[:MAX_QUERY_LENGTH].lower()
    if not words:
        yield services.order_by("name", "id"), True
        return
    every_word = SearchQuery(words, config="norwegian", search_type="websearch")
    yield _ranked(services.filter(search_vector=every_word), every_word), False
    any_word = reduce(
        operator.or_, (SearchQuery(word, config="norwegian") for word in words.split()[:20])
    )
    yield (
        _ranked(services.filter(search_vector=any_word), any_word),
        len(words) < TYPO_MIN_LENGTH,
    )
    # Nothing matches the words as written: try them as typos of name and topic words.
    with connection.cursor() as cursor:
        # The trigram operator reads its threshold from the session. The planner prices the
        # operator as cheap and may read every word instead of the trigram index's few
        # candidates (on the whole texts of 5,000 services it did: 200 ms instead of 11); no
        # sequential scan then, for the transaction `finder_page` runs this step in.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false),"
            " set_config('enable_seqscan', 'off', true)",
            [str(TYPO_SIMILARITY)],
        )
    yield _typos_of_words(services, words), True


def _typos_of_words(services: QuerySet[Service], words: str) -> QuerySet[Service]:
    """The services holding a word that one of the query's words (of TYPO_MIN_LENGTH letters or
    more) may be a typo of, best first: the catalogue's words (SearchWord) alike enough to a
    query word (`%>`, pg_trgm's word_similarity_threshold), ranked by the best of them. Word by
    word: over a service's whole text a match could run across two neighbouring words ("angts"
    in "...rights and the law"), which is no typo of either."""
    typos = [word for word in re.split(r"[\W_]+", words) if len(word) >= TYPO_MIN_LENGTH][:20]
    if not typos:
        # Nothing to look up: no service (as a statement, which the page's template needs).
        return services.filter(search_word_list__overlap=[])
    similarities = [TrigramWordSimilarity(typo, "word") for typo in typos]
    matched = CTE(
        SearchWord.objects.filter(
            reduce(operator.or_, (Q(word__trigram_word_similar=typo) for typo in typos))
        ).values(
            "word",
            similarity=Greatest(*similarities) if len(similarities) > 1 else similarities[0],
        ),
        name="typo_words",
        materialized=True,
    )
    best = (
        matched.queryset()
        .filter(AnyOf(F("word"), OuterRef("search_word_list")))
        .order_by("-similarity")
        .values("similarity")[:1]
    )
    return with_cte(
        matched,
        select=services.filter(
            search_word_list__overlap=ArraySubquery(matched.queryset().values("word"))
        )
        .annotate(similarity=Subquery(best))
        .order_by("-similarity", "name", "id"),
    )


def _ranked(services: QuerySet[Service], search: SearchQuery) -> QuerySet[Service]:
    ranked = services.annotate(rank=SearchRank(F("search_vector"), search, weights=RANK_WEIGHTS))
    return ranked.order_by("-rank", "name", "id")


@dataclass(frozen=True)
class FinderResult:
    service: Service
    # All of the service's opening hours, for `opening.hours_on`.
    schedules: list[Schedule]
    # By name; only when `finder_page` is asked for them.
    topics: list[TaxonomyTerm]


@dataclass(frozen=True)
class FinderPage:
    """One page of finder results; `total` counts every match."""

    results: Sequence[FinderResult]
    total: int
    number: int
    size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages


def finder_page(
    *, query: FinderQuery, now: datetime, number: int, size: int, topics: bool = False
) -> FinderPage:
    """A page of `service_search` results in one query: the total rides along on every row as a
    window count, so the search runs once however many services match, and each row brings its
    opening hours (and its topics, when asked for) as an array PostgreSQL builds for the page's
    rows only, so that neither the queries nor the Python work per row grow with the page.
    The search's first step is asked for its page straight away, not first whether it finds
    anything: rows answer that too, which saves the common search a statement. Only when it
    found nothing are the later steps asked first, as `service_search` does (building and
    compiling a page costs more than asking)."""
    number = max(1, number)
    offset = (number - 1) * size
    steps = _search_steps(query=query, now=now)
    services, last = next(steps)
    page = _page(services, topics, offset, size)
    if not page and not last and (number == 1 or not services.exists()):
        # One transaction, whose settings the typo step's statements share (_search_steps).
        with transaction.atomic(savepoint=False):
            services = _first_that_finds(steps)
            page = _page(services, topics, offset, size)
            total = _total(page, services, number)
    else:
        total = _total(page, services, number)
    return FinderPage(
        results=[
            FinderResult(
                service=service,
                schedules=_from_json(Schedule, service.schedule_rows),  # type: ignore[attr-defined]
                topics=_from_json(TaxonomyTerm, service.topic_rows) if topics else [],  # type: ignore[attr-defined]
            )
            for service in page
        ],
        total=total,
        number=number,
        size=size,
    )


def _total(page: list[Service], services: QuerySet[Service], number: int) -> int:
    # Past the last page there is no row to carry the total: count (rare).
    return page[0].total if page else services.count() if number > 1 else 0  # type: ignore[attr-defined]


def _json_rows(rows: QuerySet[Any], fields: list[str]) -> ArraySubquery:
    """The rows as an array of JSON objects of these fields, in the rows' order."""
    return ArraySubquery(rows.values(row=JSONObject(**{field: field for field in fields})))


# A service's related rows as `_json_rows` arrays, by the name `_compiled_array` knows them.
PAGE_ARRAYS: dict[str, Callable[[], ArraySubquery]] = {
    # In the model's order (Schedule.Meta.ordering), as `service.schedules.all()`.
    "schedules": lambda: _json_rows(
        Schedule.objects.filter(service=OuterRef("pk")), SCHEDULE_FIELDS
    ),
    "topics": lambda: _json_rows(
        TaxonomyTerm.objects.filter(attributes__service=OuterRef("pk")).order_by("name"),
        TOPIC_FIELDS,
    ),
}


class _Compiled(RawSQL):
    """SQL the ORM compiled, put back as it wrote it (RawSQL would wrap it in parentheses)."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        return self.sql, self.params


@cache
def _compiled_array(name: str) -> _Compiled:
    """`PAGE_ARRAYS[name]` as the ORM writes it in a query of services, written once a process:
    building and compiling the two arrays anew took as long as the rest of a result page's
    statement together (about 4 of 7 ms). Its text names the outer row by the services
    table's own name, which is the alias Django gives the table a queryset of services starts
    from, as every finder page's does."""
    array = PAGE_ARRAYS[name]()
    query = Service.objects.annotate(array=array).query
    sql, params = query.get_compiler(using=DEFAULT_DB_ALIAS).compile(query.annotations["array"])
    # The text is the ORM's own, with its parameters; no input reaches it.
    return _Compiled(sql, tuple(params), output_field=array.output_field)


def _rank_keys(services: QuerySet[Service]) -> tuple[str, ...]:
    """The annotation a search step orders by first, if any."""
    return tuple(key for key in ("rank", "similarity") if key in services.query.annotations)


def _narrow_page(services: QuerySet[Service], offset: int, size: int) -> QuerySet[Service, Any]:
    """The page of the step's services as narrow rows: the id, the total and the rank."""
    counted = services.annotate(total=Window(Count("pk")))
    return counted.values("id", "total", *_rank_keys(services))[offset : offset + size]


def _page_rows(
    services: QuerySet[Service],
    topics: bool,
    offset: int,
    size: int,
    array: Callable[[str], Any] = _compiled_array,
) -> QuerySet[Service]:
    """One page of the search step's services: their shown columns, the total, and their opening
    hours (and topics) as arrays of JSON objects. The search itself (filters, window count, order,
    page) runs over narrow rows, the id, the total and the rank, and only the page's services are
    joined back for the shown columns and arrays: carrying every match's wide row (~450 bytes)
    through the count and the sort took more than half of the statement's time (5,000 services:
    e.g. 30 -> 13 ms at a load of 13 for "angst" at age 15, 31 -> 12 ms for filters only)."""
    keys = _rank_keys(services)
    page = CTE(_narrow_page(services, offset, size), name="page")
    rows = page.join(
        Service.objects.select_related("organization").only(*RESULT_FIELDS), id=page.col.id
    ).annotate(
        total=page.col.total,
        **{key: getattr(page.col, key) for key in keys},
        schedule_rows=array("schedules"),
    )
    if topics:
        rows = rows.annotate(topic_rows=array("topics"))
    # The page's services in the step's order, by the rank the page carries.
    return with_cte(page, select=rows.order_by(*services.query.order_by))


# How django-cte starts a statement with one WITH query named "page".
_PAGE_HEAD = 'WITH RECURSIVE "page" AS ('


@dataclass(frozen=True)
class _PageTemplate:
    """`_page_rows` for one order and one choice of arrays, compiled once a process: what
    follows its page's own statement (the join, the arrays, the order), with the parameters of
    that part, and the compiler that turns its rows into services."""

    query: Any
    compiler: Any
    rest: str
    params: tuple[Any, ...]


@cache
def _page_template(order_by: tuple[str, ...], keys: tuple[str, ...], topics: bool) -> _PageTemplate:
    stand_in = Service.objects.annotate(**{key: Value(0.0) for key in keys}).order_by(*order_by)
    rows = _page_rows(stand_in, topics, 0, 1)
    compiler = rows.query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    page_sql, page_params = _narrow_page(stand_in, 0, 1).query.sql_with_params()
    head = f"{_PAGE_HEAD}{page_sql}) "
    if not sql.startswith(head) or tuple(params[: len(page_params)]) != tuple(page_params):
        raise ValueError("the result page's statement does not start with its page's statement")
    return _PageTemplate(rows.query, compiler, sql[len(head) :], tuple(params[len(page_params) :]))


def _page_statement(
    services: QuerySet[Service], topics: bool, offset: int, size: int
) -> tuple[_PageTemplate, str, tuple[Any, ...]]:
    """`_page_rows`'s statement and parameters, of which only the page's own part (the search)
    is built and compiled on each call: building and compiling the rest anew cost as much again
    (~1.3 ms of ~2.5 a page)."""
    template = _page_template(tuple(services.query.order_by), _rank_keys(services), topics)
    page_sql, page_params = _narrow_page(services, offset, size).query.sql_with_params()
    return template, f"{_PAGE_HEAD}{page_sql}) {template.rest}", (*page_params, *template.params)


def _page(services: QuerySet[Service], topics: bool, offset: int, size: int) -> list[Service]:
    template, sql, params = _page_statement(services, topics, offset, size)
    return rows_of(template.query, template.compiler, sql, params, using=DEFAULT_DB_ALIAS)


def _from_json(model: type[ModelT], rows: list[dict[str, Any]]) -> list[ModelT]:
    """Instances back from `_json_rows`, each value turned back into its field's type (JSON has
    no dates, times or UUIDs); the fields left out stay deferred, as with `only()`."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return [
        model.from_db(
            None,
            names,
            [
                field.to_python(row[field.attname]) if field.attname in row else DEFERRED
                for field in fields
            ],
        )
        for row in rows
    ]


def service_get_public(*, service_id: UUID) -> Service:
    """One active service with everything its page shows; 404 for anything else.
    `takes_referrals` says whether anyone receives its referrals in Sammen (never who)."""
    services = _with_display_relations(
        Service.objects.filter(status=Service.Status.ACTIVE).annotate(
            takes_referrals=Exists(intake_staff(service_id=OuterRef("pk")))
        )
    ).prefetch_related(
        "phones",
        "contacts__phones",
        "languages",
        "service_at_locations__location__addresses",
        "service_at_locations__location__accessibility",
    )
    return get_object_or_404(services, pk=service_id)


def topics_in_use() -> QuerySet[TaxonomyTerm]:
    return (
        TaxonomyTerm.objects.filter(
            Exists(
                Attribute.objects.filter(
                    taxonomy_term=OuterRef("pk"), service__status=Service.Status.ACTIVE
                )
            )
        )
        .order_by("name")
        .only("id", "code", "name", "name_en")
    )


# The finder form's choices on every page: one constant statement, compiled once a process
# (coordination.statements); building and compiling it was ~2/3 of its Python.
_TOPICS_IN_USE = CompiledRead(topics_in_use)


def topic_choices() -> list[TaxonomyTerm]:
    """`topics_in_use`, read anew each call."""
    return _TOPICS_IN_USE()


def services_for_picker(*, query: str, limit: int = 20) -> list[Service]:
    """Services a helper can choose as the one they act for (cases' participant form), or
    suggest to a young person: active services matching the words, best first."""
    # One transaction, whose settings the typo step's statements share (_search_steps): in a
    # request's autocommit its transaction-local setting ended with its own statement.
    with transaction.atomic(savepoint=False):
        services = service_search(query=FinderQuery(q=query), now=timezone.now())
        return list(
            services.select_related("organization").only(
                "name", "name_en", "organization__name", "organization__name_en"
            )[:limit]
        )


def review_cutoff(today: date) -> date:
    """The day six months before today (the last day of a shorter month when needed)."""
    return add_months(today, -REVIEW_MONTHS)


def services_due_for_review(*, today: date) -> QuerySet[Service]:
    return Service.objects.filter(
        Q(assured_date__isnull=True) | Q(assured_date__lt=review_cutoff(today))
    )


def intake_staff(*, service_id: UUID | OuterRef) -> QuerySet[ServiceStaff]:
    """The service's intake: active staff who receive its referrals."""
    return ServiceStaff.objects.filter(
        Q(service_id=service_id), receives_referrals=True, user__is_active=True
    )
