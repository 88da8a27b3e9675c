"""Finder latency with 5,000 services: p50/p95 of the search (first page with its total and
prefetches, as the page runs it) and of the whole public page through Django's test client.

Runs against a throwaway database created and dropped here (never the development data):

    source scripts/env.sh && scripts/services.sh start
    .venv/bin/python benchmarks/finder_p95.py [--services 5000] [--runs 300]
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGE_SIZE = 20
QUERIES = [
    {"q": "angst", "age": 15},
    {"q": "angst", "age": 15, "open_now": True},
    {"q": "angts"},
    {"q": "rus og alkohol"},
    {"q": "skole", "topic": "skole"},
    {"q": "helsestasjon ungdom", "drop_in": True},
    {"age": 17, "free": True},
    {"topic": "familie", "open_now": True},
    {"q": "depresjon", "anonymous": True},
    {"q": "bolig penger gjeld"},
]
# Topic words are a small part of each description, as in a real catalogue; the rest is drawn
# from a wider everyday vocabulary, so a query matches a realistic share of the services.
TOPIC_WORDS = [
    "angst",
    "depresjon",
    "rus",
    "alkohol",
    "skole",
    "familie",
    "vold",
    "overgrep",
    "bolig",
    "penger",
    "gjeld",
    "jobb",
    "sorg",
    "mobbing",
    "venner",
    "kropp",
    "søvn",
    "stress",
    "prevensjon",
    "spiseforstyrrelser",
    "selvskading",
    "ensomhet",
    "identitet",
]
EVERYDAY_WORDS = [
    f"{a}{b}{c}"
    for a in ("ka", "lo", "mi", "ne", "su", "tra", "bri", "fo")
    for b in ("ren", "dal", "vik", "mor", "sen", "lund")
    for c in ("", "et", "ene", "ing")
]
TOPIC_CODES = [
    "angst",
    "depresjon",
    "rus",
    "skole",
    "familie",
    "vold",
    "bolig",
    "penger",
    "sorg",
    "mobbing",
    "kropp",
    "jobb",
    "identitet",
    "ensomhet",
    "fritid",
    "helse",
    "rettigheter",
    "kriminalitet",
    "seksuell-helse",
    "spiseforstyrrelser",
]


def build_catalogue(count: int, rng: random.Random) -> None:
    from services_registry.models import (
        Attribute,
        Organization,
        Schedule,
        Service,
        Taxonomy,
        TaxonomyTerm,
    )
    from services_registry.services import service_search_refresh

    taxonomy = Taxonomy.objects.create(name="Temaer", description="Temaer")
    codes = TOPIC_CODES
    terms = [
        TaxonomyTerm.objects.create(taxonomy=taxonomy, code=c, name=c.capitalize(), description=c)
        for c in codes
    ]
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Organisasjon {n}", description="") for n in range(count // 10)
    )
    services = Service.objects.bulk_create(
        Service(
            organization=rng.choice(organizations),
            name=" ".join(rng.sample(EVERYDAY_WORDS, 2)).capitalize() + f" {n}",
            description=" ".join(rng.choices(EVERYDAY_WORDS, k=35) + rng.sample(TOPIC_WORDS, 3)),
            minimum_age=rng.choice([None, 0, 12, 13, 16, 18]),
            maximum_age=rng.choice([None, 18, 20, 25]),
            drop_in=rng.random() < 0.3,
            free=rng.random() < 0.7,
            anonymous=rng.random() < 0.2,
            level=rng.choice(list(Service.Level.values)),
            sector=rng.choice(list(Service.Sector.values)),
        )
        for n in range(count)
    )
    Service.objects.filter(minimum_age__gt=18, maximum_age__lt=25).update(maximum_age=None)
    Attribute.objects.bulk_create(
        Attribute(service=service, taxonomy_term=term)
        for service in services
        for term in rng.sample(terms, rng.randint(1, 4))
    )
    Schedule.objects.bulk_create(
        Schedule(
            service=service,
            freq="WEEKLY",
            byday=rng.choice(["MO,TU,WE,TH,FR", "MO,WE", "TU,TH", "MO,TU,WE,TH,FR,SA,SU"]),
            opens_at=datetime.time(rng.choice([8, 9, 12, 14])),
            closes_at=datetime.time(rng.choice([15, 16, 19, 22])),
        )
        for service in services
        for _ in range(2)
    )
    service_search_refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)

    settings.DATABASES["default"]["TEST"]["NAME"] = "sammen_finder_benchmark"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from services_registry.selectors import FinderQuery, finder_page, service_search

        started = time.perf_counter()
        build_catalogue(args.services, rng)
        print(f"Built {args.services} services in {time.perf_counter() - started:.1f} s")

        def search(params: dict) -> None:
            services = service_search(query=FinderQuery(**params), now=timezone.now())
            page = finder_page(services=services, number=1, size=PAGE_SIZE)
            for service in page.services:
                list(service.attributes.all())

        client = Client()
        for params in QUERIES:  # warm caches and connections
            search(params)
        search_times, page_times = [], []
        for run in range(args.runs):
            params = QUERIES[run % len(QUERIES)]
            started = time.perf_counter()
            search(params)
            search_times.append(time.perf_counter() - started)
            query = {k: ("on" if v is True else v) for k, v in params.items()}
            started = time.perf_counter()
            response = client.get("/services/", query)
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"search (SQL + first page, {args.runs} runs): {percentiles(search_times)}")
        for index, params in enumerate(QUERIES):
            print(f"  {params}: {percentiles(search_times[index :: len(QUERIES)])}")
        print(f"whole page /services/ ({args.runs} runs):   {percentiles(page_times)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
