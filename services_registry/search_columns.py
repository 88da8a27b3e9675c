"""The finder's search columns of a service (`search_vector`, `search_words`, `search_word_list`),
derived from its texts and its topics' names. One definition, written two ways: from the rows
already stored (`REFRESH_SQL`, services.service_search_refresh) and from the values a save is
about to write (`search_columns_set`), so that a new or changed service is written once, search
columns included: a catalogue whose every row was inserted and then updated keeps a dead version
of each (5,000 services: 8.3 MB of heap for 5.9 MB written once). A trigger adds the words of
`search_word_list` to the table of the catalogue's words (models.SearchWord, migration 0005) in
the same write, whichever way the row is written."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models.expressions import RawSQL

from .models import Service

# Name and topics weigh most, then the description; typo matching looks at names and topics.
_VECTOR = (
    "setweight(to_tsvector('norwegian', {name} || ' ' || {name_en} || ' ' || {alternate_name}),"
    " 'A')"
    " || setweight(to_tsvector('norwegian', {description} || ' ' || {description_en} || ' '"
    " || {eligibility_description}), 'B')"
    " || setweight(to_tsvector('norwegian', coalesce({words}, '')), 'C')"
)
_WORDS = "lower({name} || ' ' || {name_en} || ' ' || coalesce({words}, ''))"
# The distinct words of a search_words text, split where pg_trgm splits words (at anything not
# a letter or a digit), in order.
_WORD_LIST = (
    "ARRAY(SELECT DISTINCT w FROM regexp_split_to_table({words}, '[^[:alnum:]]+') AS w"
    " WHERE w <> '' ORDER BY w)"
)
_VECTOR_SOURCES = (
    "name",
    "name_en",
    "alternate_name",
    "description",
    "description_en",
    "eligibility_description",
    "words",
)
_WORDS_SOURCES = ("name", "name_en", "words")
# A service's topic words, "tt" its topics' terms (each of its attributes once).
# The SQL below is put together from this module's constants only; every value is a parameter
# (hence the noqa for ruff's S608/S611).
_TOPIC_WORDS = "string_agg(tt.name || ' ' || tt.name_en, ' ' ORDER BY tt.name)"


def _of_row(alias: str) -> dict[str, str]:
    return {name: f"{alias}.{name}" for name in _VECTOR_SOURCES} | {"words": _TOPIC_WORDS}


# Writes only the rows whose columns change (the word list follows search_words), so a refresh
# after a save that already wrote them adds no second version of the row.
REFRESH_SQL = f"""
UPDATE services_registry_service AS s
SET search_vector = t.vector, search_words = t.words,
    search_word_list = {_WORD_LIST.format(words="t.words")}
FROM (
    SELECT s2.id, {_VECTOR.format(**_of_row("s2"))} AS vector,
           {_WORDS.format(**_of_row("s2"))} AS words
    FROM services_registry_service AS s2
    LEFT JOIN services_registry_attribute AS a ON a.service_id = s2.id
    LEFT JOIN services_registry_taxonomyterm AS tt ON tt.id = a.taxonomy_term_id
    WHERE %(all)s OR s2.id = ANY(%(ids)s::uuid[])
    GROUP BY s2.id
) AS t
WHERE s.id = t.id
    AND (s.search_vector IS DISTINCT FROM t.vector OR s.search_words IS DISTINCT FROM t.words)
"""  # noqa: S608

_WORDS_OF_TERMS = f"""(SELECT {_TOPIC_WORDS}
    FROM unnest(%s::uuid[]) AS a(taxonomy_term_id)
    JOIN services_registry_taxonomyterm AS tt ON tt.id = a.taxonomy_term_id)"""  # noqa: S608
_PLACEHOLDERS = {name: "%s" for name in _VECTOR_SOURCES} | {"words": _WORDS_OF_TERMS}


def search_columns_set(service: Service, *, term_ids: Iterable[UUID | str]) -> None:
    """Sets the service's search columns to what the refresh computes for its texts as they are
    now and these topics (taxonomy term ids, one per attribute), for its next save to write."""
    terms = [str(term_id) for term_id in term_ids]

    def params(sources: tuple[str, ...]) -> list[object]:
        return [terms if name == "words" else getattr(service, name) for name in sources]

    service.search_vector = RawSQL(  # noqa: S611
        _VECTOR.format(**_PLACEHOLDERS), params(_VECTOR_SOURCES)
    )
    words = _WORDS.format(**_PLACEHOLDERS)
    service.search_words = RawSQL(words, params(_WORDS_SOURCES))  # noqa: S611
    service.search_word_list = RawSQL(  # noqa: S611
        _WORD_LIST.format(words=words), params(_WORDS_SOURCES)
    )
