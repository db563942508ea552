"""Full-text matching for the database backend: SQLite's FTS5 under `make run`, PostgreSQL's text search.

Both ignore accents and case, need every word of the query somewhere in the name (or title),
headline, skills, bio (or description) and place, and rank the matches: a word in a headline or a
skill counts more than one in a bio, as in Elasticsearch. The last word also matches as the start
of a word ("graph" finds "graphiste"), since people search while they type.

SQLite keeps a copy of each object's text in an FTS5 table (created by search's migration 0003,
tokenizer `unicode61 remove_diacritics 2`), refreshed through the search outbox: right after the
change commits, and again when the outbox is drained. It holds every profile and project, not only
the searchable ones: what may be shown is decided by `search/querysets.py` at query time, so a
profile hidden by moderation or a project whose closing date passes needs no refresh.
PostgreSQL needs no copy: it computes the text vectors in the query (the `french_unaccent`
configuration: the `unaccent` extension, then the French stemmer), so it can never be stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from profiles.models import FreelancerProfile, Region
from projects.models import Project

# The PostgreSQL text search configuration migration 0003 creates: French stemming after unaccent.
POSTGRES_CONFIG = "french_unaccent"
# Shorter last words are not expanded: "a*" would match nearly everything and rank nothing.
MIN_PREFIX_CHARS = 3
_CHUNK = 500


@dataclass(frozen=True)
class _Kind:
    """Where one kind's text lives, and how much each part weighs."""

    model: type
    table: str  # SQLite's FTS5 table; rowid = the object's id
    owner_field: str  # the skills link table's column naming the object
    # FTS5 column → the model field it copies; "skills" and "place" are built from the related rows.
    columns: tuple[tuple[str, str | None], ...]
    sqlite_weights: tuple[float, ...]  # bm25() weight of each column, in order
    postgres_weights: tuple[str, ...]  # setweight() class of each column, A (most) to D


# The weights follow Elasticsearch's boosts (search/backends/es.py): headline/title and skills ×3,
# a freelancer's name ×2, place and bio/description ×1.
KINDS = {
    "profile": _Kind(
        model=FreelancerProfile,
        table="search_profile_fts",
        owner_field="freelancerprofile_id",
        columns=(("name", "display_name"), ("headline", "headline"), ("skills", None), ("bio", "bio"), ("place", None)),
        sqlite_weights=(2.0, 3.0, 3.0, 1.0, 1.0),
        postgres_weights=("B", "A", "A", "D", "C"),
    ),
    "project": _Kind(
        model=Project,
        table="search_project_fts",
        owner_field="project_id",
        columns=(("title", "title"), ("description", "description"), ("skills", None), ("place", None)),
        sqlite_weights=(3.0, 1.0, 3.0, 1.0),
        postgres_weights=("A", "D", "A", "C"),
    ),
}


def _prefixed(words: list[str]) -> list[tuple[str, bool]]:
    """Each word, and whether it may be the start of a longer word (only the last, if long enough)."""
    last = len(words) - 1
    return [(word, i == last and len(word) >= MIN_PREFIX_CHARS) for i, word in enumerate(words)]


def fulltext_match(queryset: QuerySet, *, kind: str, words: list[str]) -> QuerySet:
    """`queryset` narrowed to the objects whose text holds every word, annotated with `text_rank` (higher first).

    One SQL statement with the caller's filters. `words` come from `search.text.query_words`: only
    letters, digits and underscores, never operators, so nothing typed can change the query's meaning.
    """
    if connection.vendor == "sqlite":
        return _sqlite_match(queryset, KINDS[kind], words)
    if connection.vendor == "postgresql":
        return _postgres_match(queryset, KINDS[kind], words)
    raise NotImplementedError(f"No full-text search for {connection.vendor}: use SQLite or PostgreSQL.")


# --- SQLite: FTS5 ------------------------------------------------------------------------------


def fts5_query(words: list[str]) -> str:
    """An FTS5 query needing every word: each quoted, so AND, OR, NOT and NEAR are plain words."""
    # A quoted string is a phrase: inside it only `"` is special, and query words never hold one.
    return " ".join(f'"{word}"*' if prefix else f'"{word}"' for word, prefix in _prefixed(words))


def _sqlite_match(queryset: QuerySet, kind: _Kind, words: list[str]) -> QuerySet:
    # Raw SQL: the ORM has no FTS5. The table, columns and weights are constants of this module and what
    # was typed is a parameter, hence the noqa for S608/S611.
    match = fts5_query(words)
    weights = ", ".join(str(w) for w in kind.sqlite_weights)
    # The outer query's own table goes unaliased (one model, no self-join): its id column, by name.
    outer = f'"{kind.model._meta.db_table}"."{kind.model._meta.pk.column}"'
    matching = RawSQL(f"SELECT rowid FROM {kind.table} WHERE {kind.table} MATCH %s", [match])  # noqa: S608, S611
    # bm25() is lower for better matches; per row, FTS5 answers "MATCH and rowid =" from its index.
    rank_sql = (
        f"SELECT -bm25({kind.table}, {weights}) FROM {kind.table} WHERE {kind.table} MATCH %s AND rowid = {outer}"  # noqa: S608
    )
    rank = RawSQL(rank_sql, [match], output_field=FloatField())  # noqa: S611
    return queryset.filter(pk__in=matching).annotate(text_rank=rank)


def _place_text(name: str | None, region: str | None) -> str:
    """The place as indexed: the municipality and its region ("Rimouski Bas-Saint-Laurent")."""
    if not name:
        return ""
    return f"{name} {Region(region).label}" if region in Region.values else name


def _rows(spec: _Kind, ids: list[int]) -> list[tuple]:
    """The FTS rows (rowid, then the columns of `spec`) of the objects that still exist."""
    fields = [field for _column, field in spec.columns if field]
    skills: dict[int, list[str]] = {}
    links = spec.model.skills.through.objects.filter(**{f"{spec.owner_field}__in": ids})
    for owner_id, name in links.order_by("skill__name").values_list(spec.owner_field, "skill__name"):
        skills.setdefault(owner_id, []).append(name)
    rows = []
    for row in spec.model.objects.filter(pk__in=ids).values(
        "pk", *fields, "municipality__name", "municipality__region"
    ):
        built = {
            "skills": " ".join(skills.get(row["pk"], [])),
            "place": _place_text(row["municipality__name"], row["municipality__region"]),
        }
        rows.append((row["pk"], *(row[field] if field else built[column] for column, field in spec.columns)))
    return rows


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def fulltext_refresh(*, kind: str, ids: Iterable[int]) -> None:
    """Bring the SQLite full-text rows of these objects in line with the database (gone ones removed).

    Called by the search outbox only; a no-op on PostgreSQL, which reads the live rows.
    """
    if connection.vendor != "sqlite" or kind not in KINDS:
        # Collectives have no full-text rows: the database backend reads them in Python (search/collectives.py);
        # coworking spaces are found by place and filters, never by words.
        return
    ids = sorted(set(ids))
    if not ids:
        return
    spec = KINDS[kind]
    columns = ", ".join(column for column, _field in spec.columns)
    marks = ", ".join(["%s"] * (len(spec.columns) + 1))
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in _chunks(ids):
            holes = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {spec.table} WHERE rowid IN ({holes})", chunk)  # noqa: S608
            rows = _rows(spec, chunk)
            if rows:
                cursor.executemany(f"INSERT INTO {spec.table} (rowid, {columns}) VALUES ({marks})", rows)  # noqa: S608


# --- PostgreSQL: text search with unaccent -----------------------------------------------------


def _region_label():
    return Case(
        *(When(municipality__region=code, then=Value(label)) for code, label in Region.choices), default=Value("")
    )


def _skills_text(spec: _Kind) -> Subquery:
    names = (
        spec.model.skills.through.objects.filter(**{spec.owner_field: OuterRef("pk")})
        .values(spec.owner_field)
        .annotate(names=StringAgg("skill__name", delimiter=" "))
        .values("names")
    )
    return Subquery(names)


def _vector(spec: _Kind) -> SearchVector:
    """The weighted text of each row, computed in the query: nothing to keep in sync."""
    built = {"skills": _skills_text(spec), "place": Concat("municipality__name", Value(" "), _region_label())}
    parts = [
        SearchVector(built[column] if field is None else field, weight=weight, config=POSTGRES_CONFIG)
        for (column, field), weight in zip(spec.columns, spec.postgres_weights, strict=True)
    ]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


def tsquery(words: list[str]) -> SearchQuery:
    """A tsquery needing every word (each quoted as a lexeme), the last one also as a prefix."""
    terms = [f"'{word}':*" if prefix else f"'{word}'" for word, prefix in _prefixed(words)]
    return SearchQuery(" & ".join(terms), search_type="raw", config=POSTGRES_CONFIG)


def _postgres_match(queryset: QuerySet, spec: _Kind, words: list[str]) -> QuerySet:
    query = tsquery(words)
    return (
        queryset.annotate(document=_vector(spec))
        .filter(document=query)
        .annotate(text_rank=SearchRank(F("document"), query))
    )
