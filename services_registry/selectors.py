"""Every non-trivial read of the catalogue. The catalogue is public: what the finder shows, anyone
may see; only active services are shown outside the admin."""

import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import cache, lru_cache, reduce
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
from coordination.statements import AnyOf, CompiledRead, Slot, rows_of

from .models import (
    SEARCH_COLUMNS,
    Attribute,
    Schedule,
    SearchWord,
    Service,
    ServiceStaff,
    TaxonomyTerm,
)
from .opening import WEEKDAYS, local_moment, open_at_q

# Longer queries are refused by the forms; this only bounds what reaches PostgreSQL.
MAX_QUERY_LENGTH = 200
# How alike a query word and a name/topic word must be to count as a typo of it (0..1).
TYPO_SIMILARITY = 0.4
# Shorter queries and query words ("bup", "nav") are abbreviations, not typos: full text only.
TYPO_MIN_LENGTH = 4
# A query of one word of these letters and digits is one lexeme, the same query to the
# every-word step's websearch_to_tsquery and to the any-word step's plainto_tsquery (other
# words can differ: "e-post" is a phrase to the one, two words to the other).
ONE_LEXEME = re.compile(r"[0-9a-zà-öø-ÿ]+")
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
    for step in _search_steps(query=query, now=now):
        services = step.services()
        if step.last or services.exists():
            break
    return services


# The filters a search step adds as `flag = true`.
FLAGS = ("drop_in", "free", "anonymous")


@dataclass(frozen=True)
class _Shape:
    """What a search step's statement text depends on; every other value of the search (the
    words, the age, the topic, the day and time) is one of its parameters. `step`: "filters"
    (no words), "every" word, "any" word or "typo"; `words`: how many words the last two look
    up one by one."""

    step: str
    words: int
    age: bool
    topic: bool
    flags: tuple[str, ...]
    open_now: bool
    holiday: bool


@dataclass(frozen=True)
class _Step:
    """One of `service_search`'s steps: its shape, the values bound into it (named as
    `_step_services` reads them), and whether it is the last."""

    shape: _Shape
    values: dict[str, Any]
    last: bool

    def services(self) -> QuerySet[Service]:
        return _step_services(self.shape, **self.values)


def _step_services(shape: _Shape, **values: Any) -> QuerySet[Service]:
    """A search step's services, best first, as the ORM builds them: the one definition of the
    search, from which `_compiled_search` compiles each shape's statement."""
    services = Service.objects.filter(status=Service.Status.ACTIVE)
    if shape.age:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=values["age"]),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=values["age"]),
        )
    if shape.topic:
        code = values["topic"]
        if shape.step == "filters":
            # Without words the candidates are all active services, walked in name order: the
            # planner probed each one's topics (priced for the page's LIMIT, though the count
            # reads them all), 18-30 ms on 5,000 services. The topic's services as one array a
            # statement instead, 4-8 ms (benchmarks/README.md). With words the candidates are
            # those matching them, which the planner hashes or probes well as an EXISTS.
            services = services.filter(
                AnyOf(
                    F("pk"),
                    ArraySubquery(
                        Attribute.objects.filter(taxonomy_term__code=code)
                        .order_by()
                        .values("service_id")
                    ),
                )
            )
        else:
            services = services.filter(
                Exists(Attribute.objects.filter(service=OuterRef("pk"), taxonomy_term__code=code))
            )
    for flag in shape.flags:
        services = services.filter(**{flag: True})
    if shape.open_now:
        services = services.filter(
            open_at_q(values["day"], values["moment"], holiday=shape.holiday)
        )
    if shape.step == "filters":
        return services.order_by("name", "id")
    if shape.step == "every":
        every_word = SearchQuery(values["words"], config="norwegian", search_type="websearch")
        return _ranked(services.filter(search_vector=every_word), every_word)
    words = [values[f"word_{n}"] for n in range(shape.words)]
    if shape.step == "any":
        any_word = reduce(operator.or_, (SearchQuery(word, config="norwegian") for word in words))
        return _ranked(services.filter(search_vector=any_word), any_word)
    return _typos_of_words(services, words)


def _search_steps(*, query: FinderQuery, now: datetime) -> Iterator[_Step]:
    """`service_search`'s steps in order: the caller asks whether a step found anything (by
    `exists()`, or by the rows of the page it wanted anyway) before it takes the next one."""
    values: dict[str, Any] = {}
    if query.age is not None:
        values["age"] = query.age
    if query.topic:
        values["topic"] = query.topic
    holiday = False
    if query.open_now:
        values["day"], values["moment"], holiday = local_moment(now)
    shape = _Shape(
        step="filters",
        words=0,
        age=query.age is not None,
        topic=bool(query.topic),
        flags=tuple(flag for flag in FLAGS if getattr(query, flag)),
        open_now=query.open_now,
        holiday=holiday,
    )
    words = " ".join(query.q.split())[:MAX_QUERY_LENGTH].lower()
    if not words:
        yield _Step(shape, values, True)
        return
    any_words = words.split()[:20]
    # The any-word step would ask again what the every-word step found nothing for.
    one_lexeme = ONE_LEXEME.fullmatch(words) is not None
    short = len(words) < TYPO_MIN_LENGTH
    yield _Step(replace(shape, step="every"), {**values, "words": words}, one_lexeme and short)
    if not one_lexeme:
        yield _Step(
            replace(shape, step="any", words=len(any_words)),
            {**values, **_numbered(any_words)},
            short,
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
    # Shorter query words are abbreviations, not typos.
    typos = [word for word in re.split(r"[\W_]+", words) if len(word) >= TYPO_MIN_LENGTH][:20]
    yield _Step(replace(shape, step="typo", words=len(typos)), {**values, **_numbered(typos)}, True)


def _numbered(words: list[str]) -> dict[str, str]:
    return {f"word_{n}": word for n, word in enumerate(words)}


def _typos_of_words(services: QuerySet[Service], typos: list[str]) -> QuerySet[Service]:
    """The services holding a word that one of the query's words (of TYPO_MIN_LENGTH letters or
    more) may be a typo of, best first: the catalogue's words (SearchWord) alike enough to a
    query word (`%>`, pg_trgm's word_similarity_threshold), ranked by the best of them. Word by
    word: over a service's whole text a match could run across two neighbouring words ("angts"
    in "...rights and the law"), which is no typo of either."""
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
    On the first page each step is asked for its page straight away, not first whether it finds
    anything: its rows answer that too, which saves a statement. Past the first page an empty
    page cannot tell, so each later step is asked first, as `service_search` does."""
    number = max(1, number)
    offset = (number - 1) * size
    steps = _search_steps(query=query, now=now)
    step = next(steps)
    page = _page(step, topics, offset, size)
    if not page and not step.last and (number == 1 or not step.services().exists()):
        # One transaction, whose settings the typo step's statements share (_search_steps).
        with transaction.atomic(savepoint=False):
            for step in steps:
                if number > 1 and not step.last and not step.services().exists():
                    continue
                page = _page(step, topics, offset, size)
                if page or step.last or number > 1:
                    break
            total = _total(page, step, number)
    else:
        total = _total(page, step, number)
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


def _total(page: list[Service], step: _Step, number: int) -> int:
    # Past the last page there is no row to carry the total: count (rare).
    return page[0].total if page else step.services().count() if number > 1 else 0  # type: ignore[attr-defined]


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


def _narrow(services: QuerySet[Service]) -> QuerySet[Service, Any]:
    """The step's services as narrow rows: the id, the total and the rank."""
    counted = services.annotate(total=Window(Count("pk")))
    return counted.values("id", "total", *_rank_keys(services))


def _narrow_page(services: QuerySet[Service], offset: int, size: int) -> QuerySet[Service, Any]:
    return _narrow(services)[offset : offset + size]


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


@dataclass(frozen=True)
class _CompiledSearch:
    """A search step's narrow rows (`_narrow`, without a page) for one shape, compiled once, and
    the order and rank annotations its result page is written for."""

    read: CompiledRead[Service]
    order_by: tuple[Any, ...]
    keys: tuple[str, ...]


# Per-call values as sentinels that differ from each other and from every constant of the
# statement (coordination.statements.Slot): each slot's two, and the n-th word's.
_SLOTS = {
    # Within the age columns' range: Django leaves out a comparison with a value beyond it.
    "age": Slot(32_001, 32_002),
    "topic": Slot("-sammen-topic-a-", "-sammen-topic-b-"),
    # The weekday is the day's, in `open_at_q`'s LIKE pattern (0001-01-01 is a Monday).
    "day": Slot(date(1, 1, 1), date(1, 1, 2), also=(lambda day: f"%{WEEKDAYS[day.weekday()]}%",)),
    "moment": Slot(time(0, 0, 0, 1), time(0, 0, 0, 2)),
    "words": Slot("-sammen-words-a-", "-sammen-words-b-"),
}


# Bounded: the shapes in use are few, but every count of words up to 20 with every choice of
# filters makes thousands, which a visitor could ask for one by one.
@lru_cache(maxsize=256)
def _compiled_search(shape: _Shape) -> _CompiledSearch:
    """Building a step's search with the ORM and compiling it on every call was the largest
    Python item of a result page (~2.7 + 1.7 ms of CPU at a load of 25, benchmarks/README.md);
    its text depends only on the shape (`_Shape`)."""
    slots = {name: slot for name, slot in _SLOTS.items() if name in _slot_names(shape)}
    for n in range(shape.words):
        slots[f"word_{n}"] = Slot(f"-sammen-word-{n}-a-", f"-sammen-word-{n}-b-")
    services = _step_services(shape, **{name: slot.a for name, slot in slots.items()})
    return _CompiledSearch(
        read=CompiledRead(
            lambda **values: _narrow(_step_services(shape, **values)), key=lambda: None, **slots
        ),
        order_by=tuple(services.query.order_by),
        keys=_rank_keys(services),
    )


def _slot_names(shape: _Shape) -> set[str]:
    names = {"age"} if shape.age else set()
    names |= {"topic"} if shape.topic else set()
    names |= {"day", "moment"} if shape.open_now else set()
    return names | ({"words"} if shape.step == "every" else set())


def _page_statement(
    step: _Step, topics: bool, offset: int, size: int
) -> tuple[_PageTemplate, str, tuple[Any, ...]]:
    """`_page_rows`'s statement and parameters, compiled once a process for each shape of search
    and choice of arrays: the page's own part (the search) as `_compiled_search`, the rest as
    `_page_template`; the page's LIMIT and OFFSET are parameters too."""
    search = _compiled_search(step.shape)
    template = _page_template(search.order_by, search.keys, topics)
    page_sql, page_params = search.read.text(**step.values)
    return (
        template,
        f"{_PAGE_HEAD}{page_sql} LIMIT %s OFFSET %s) {template.rest}",
        (*page_params, size, offset, *template.params),
    )


def _page(step: _Step, topics: bool, offset: int, size: int) -> list[Service]:
    template, sql, params = _page_statement(step, topics, offset, size)
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
