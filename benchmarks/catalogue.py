"""The finder's benchmark catalogue: 5,000 active services of 500 organizations, seeded once in
bulk into the benchmark database beside the municipality (whose 20 services of "Bench kommune"
stay as they are), and the searches `make bench` runs on it (benchmarks/bench.py)."""

import datetime
import random
import time

# Marks the seeded catalogue: its topics hang on this taxonomy, so a second run finds it.
CATALOGUE_TAXONOMY = "Temaer (finder-benchmark)"
# The finder's searches, as people use it: words with and without filters, a typo (trigram
# fallback), several words where no service has all of them (any-word fallback), filters only.
SEARCHES: list[dict[str, str | int | bool]] = [
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


def build_catalogue(*, services: int, seed: int) -> None:
    """Bulk-inserts `services` active services (each with 1-4 topics and two weekly opening
    hours) under CATALOGUE_TAXONOMY, each with its search columns as an import writes them, and
    ANALYZEs. Does nothing
    when that taxonomy exists already."""
    from django.db import connection, transaction

    from services_registry.models import (
        Attribute,
        Organization,
        Schedule,
        Service,
        Taxonomy,
        TaxonomyTerm,
    )
    from services_registry.search_columns import search_columns_set

    if Taxonomy.objects.filter(name=CATALOGUE_TAXONOMY).exists():
        return
    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        taxonomy = Taxonomy.objects.create(name=CATALOGUE_TAXONOMY, description="Temaer")
        terms = TaxonomyTerm.objects.bulk_create(
            TaxonomyTerm(taxonomy=taxonomy, code=code, name=code.capitalize(), description=code)
            for code in TOPIC_CODES
        )
        organizations = Organization.objects.bulk_create(
            Organization(name=f"Organisasjon {n}", description="") for n in range(services // 10)
        )
        # Drawn in the order of the catalogue of sessions 9-11 (services, topics, opening
        # hours), so the same seed gives the same catalogue.
        rows = [
            Service(
                organization=rng.choice(organizations),
                name=" ".join(rng.sample(EVERYDAY_WORDS, 2)).capitalize() + f" {n}",
                description=" ".join(
                    rng.choices(EVERYDAY_WORDS, k=35) + rng.sample(TOPIC_WORDS, 3)
                ),
                minimum_age=rng.choice([None, 0, 12, 13, 16, 18]),
                maximum_age=rng.choice([None, 18, 20, 25]),
                drop_in=rng.random() < 0.3,
                free=rng.random() < 0.7,
                anonymous=rng.random() < 0.2,
                level=rng.choice(list(Service.Level.values)),
                sector=rng.choice(list(Service.Sector.values)),
            )
            for n in range(services)
        ]
        attributes = [
            Attribute(service=service, taxonomy_term=term)
            for service in rows
            for term in rng.sample(terms, rng.randint(1, 4))
        ]
        schedules = [
            Schedule(
                service=service,
                freq=Schedule.Freq.WEEKLY,
                byday=rng.choice(["MO,TU,WE,TH,FR", "MO,WE", "TU,TH", "MO,TU,WE,TH,FR,SA,SU"]),
                opens_at=datetime.time(rng.choice([8, 9, 12, 14])),
                closes_at=datetime.time(rng.choice([15, 16, 19, 22])),
            )
            for service in rows
            for _ in range(2)
        ]
        # As an import leaves it: each service written once, with its search columns.
        topics: dict[object, list[object]] = {service.pk: [] for service in rows}
        for attribute in attributes:
            topics[attribute.service_id].append(attribute.taxonomy_term_id)
        for service in rows:
            search_columns_set(service, term_ids=topics[service.pk])
        Service.objects.bulk_create(rows, batch_size=1000)
        Attribute.objects.bulk_create(attributes, batch_size=5000)
        Schedule.objects.bulk_create(schedules, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built a catalogue of {services} services in {time.monotonic() - started:.0f} s")
