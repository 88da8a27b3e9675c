"""Every non-trivial read of the catalogue. The catalogue is public: what the finder shows, anyone
may see; only active services are shown outside the admin."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Attribute, Service, TaxonomyTerm
from .opening import open_now_q

# Longer queries are refused by the forms; this only bounds what reaches PostgreSQL.
MAX_QUERY_LENGTH = 200
# How alike a query word and a name/topic word must be to count as a typo of it (0..1).
TYPO_SIMILARITY = 0.4
# Shorter queries ("bup", "nav") are abbreviations, not typos: full text only.
TYPO_MIN_LENGTH = 4
# Name (A) > description (B) > topics (C); D is unused.
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
REVIEW_MONTHS = 6


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
    return services.select_related("organization").prefetch_related(
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term").order_by(
                "taxonomy_term__name"
            ),
        ),
        "schedules",
    )


def service_search(*, query: FinderQuery, now: datetime) -> QuerySet[Service]:
    """The finder: active services matching the words (full text, typo-tolerant) and filters,
    best match first (by name when there are no words)."""
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
        return _with_display_relations(services.order_by("name", "id"))
    search = SearchQuery(words, config="norwegian", search_type="websearch")
    matches = Q(search_vector=search)
    if len(words) >= TYPO_MIN_LENGTH:
        with connection.cursor() as cursor:
            # The trigram operator reads its threshold from the session.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(TYPO_SIMILARITY)],
            )
        matches |= Q(search_words__trigram_word_similar=words)
    services = (
        services.filter(matches)
        .annotate(
            rank=SearchRank(F("search_vector"), search, weights=RANK_WEIGHTS),
            similarity=TrigramWordSimilarity(words, "search_words"),
        )
        .order_by("-rank", "-similarity", "name", "id")
    )
    return _with_display_relations(services)


def service_get_public(*, service_id: UUID) -> Service:
    """One active service with everything its page shows; 404 for anything else."""
    services = _with_display_relations(
        Service.objects.filter(status=Service.Status.ACTIVE)
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


def services_for_picker(*, query: str, limit: int = 20) -> QuerySet[Service]:
    """Services a helper can choose as the one they act for (cases' participant form), or
    suggest to a young person: active services matching the words, best first."""
    return service_search(query=FinderQuery(q=query), now=timezone.now())[:limit]


def review_cutoff(today: date) -> date:
    """The day six months before today (the last day of a shorter month when needed)."""
    month_index = today.year * 12 + today.month - 1 - REVIEW_MONTHS
    year, month = divmod(month_index, 12)
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def services_due_for_review(*, today: date) -> QuerySet[Service]:
    return Service.objects.filter(
        Q(assured_date__isnull=True) | Q(assured_date__lt=review_cutoff(today))
    )
