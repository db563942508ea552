"""Elasticsearch documents for freelancer profiles and projects, with French/English analysers."""

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Float,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    Object,
    Text,
    analyzer,
    token_filter,
)

from search.taxonomy import TRADE_SYNONYMS
from search.text import ELISION_ARTICLES, STOP_WORDS

# Raise on every change of the documents' mapping or analysers: `search_index upgrade` (run on each
# deployment, after migrate) rebuilds every index stored with an older version (kept in the mapping's _meta).
# 2: the MRC (`mrc`, `mrc_name`, and in the card's place).
MAPPING_VERSION = 2

# l'entreprise, d'affaires, qu'on, jusqu'à … (case-insensitive, both apostrophes via the tokenizer).
french_elision = token_filter("french_elision", type="elision", articles_case=True, articles=list(ELISION_ARTICLES))
# Folded stop words: they come after asciifolding, so "à" is already "a".
french_english_stop = token_filter("french_english_stop", type="stop", stopwords=list(STOP_WORDS))
light_french_stemmer = token_filter("light_french_stemmer", type="stemmer", language="light_french")
# A graph filter: multi-word synonyms ("tenue de livres") work at search time.
trade_synonyms = token_filter("trade_synonyms", type="synonym_graph", synonyms=TRADE_SYNONYMS, lenient=True)

# Index side: no synonyms (they expand at search time, so the list can change without a reindex).
fr_index = analyzer(
    "fr_index",
    tokenizer="standard",
    filter=[french_elision, "lowercase", "asciifolding", french_english_stop, light_french_stemmer],
)
fr_search = analyzer(
    "fr_search",
    tokenizer="standard",
    filter=[french_elision, "lowercase", "asciifolding", trade_synonyms, french_english_stop, light_french_stemmer],
)
# Skills and place names for prefix/whole-name matching: folded, not stemmed.
folded_keyword = analyzer("folded_keyword", tokenizer="keyword", filter=["lowercase", "asciifolding"])


def FrText(**kwargs):  # noqa: N802 - reads like a field type
    """A text field analysed in French, searched with synonyms, and copied into `all_text`."""
    return Text(analyzer=fr_index, search_analyzer=fr_search, copy_to="all_text", **kwargs)


class ProfileDocument(Document):
    """A visible freelancer profile."""

    object_id = Long()
    display_name = FrText()
    headline = FrText()
    bio = FrText()
    skills = FrText(fields={"raw": Text(analyzer=folded_keyword)})
    skill_slugs = Keyword()
    place = FrText()
    all_text = Text(analyzer=fr_index, search_analyzer=fr_search)
    categories = Keyword()
    region = Keyword()
    # The MRC's slug (filter and facet) and its name.
    mrc = Keyword()
    mrc_name = Keyword()
    municipality_id = Integer()
    location = GeoPoint()
    travel_radius_km = Integer()
    # Municipalities the freelancer's own travel radius reaches (see search/geo.py).
    reaches_municipality_ids = Keyword()
    hourly_rate = Float()
    languages = Keyword()
    availability = Keyword()
    # « Disponible entre … et … » (profiles.selectors.free_during): the date behind "from a date",
    # and the Mondays of the booked weeks.
    available_from = Date(format="strict_date")
    booked_weeks = Date(format="strict_date", multi=True)
    remote = Boolean()
    rating_average = Float()
    rating_count = Integer()
    updated_at = Date()
    # What the result card shows (search/cards.py): stored, never searched.
    card = Object(enabled=False)


class ProjectDocument(Document):
    """An open project (public, or invite-only with the invited freelancers' ids)."""

    object_id = Long()
    title = FrText()
    description = FrText()
    skills = FrText(fields={"raw": Text(analyzer=folded_keyword)})
    skill_slugs = Keyword()
    place = FrText()
    all_text = Text(analyzer=fr_index, search_analyzer=fr_search)
    category = Keyword()
    region = Keyword()
    mrc = Keyword()
    mrc_name = Keyword()
    municipality_id = Integer()
    location = GeoPoint()
    remote = Boolean()
    visibility = Keyword()
    invited_user_ids = Keyword()
    budget_type = Keyword()
    budget_low = Float()
    budget_high = Float()
    quotes_due = Date()
    published_at = Date()
    card = Object(enabled=False)


class CollectiveDocument(ProfileDocument):
    """A collective (search/collectives.py), in its own index and searched beside the profiles.

    Same fields as a profile, so one request spans both indices: its name is `display_name`, its kind
    the `headline`, its description the `bio`, its skills the union of its active members'; the
    freelancer-only fields (rate, languages, availability, rating) stay empty.
    """

    slug = Keyword()
    member_count = Integer()


class CoworkingDocument(Document):
    """An approved coworking space: found by distance and filters, never by words."""

    object_id = Long()
    name = Keyword()
    region = Keyword()
    mrc = Keyword()
    municipality_id = Integer()
    # Absent for a space without any point: it never matches a distance filter.
    location = GeoPoint()
    internet_mbps = Integer()
    closed_offices = Integer()
    price_day = Float()
    card = Object(enabled=False)


DOCUMENTS = {
    "profile": ProfileDocument,
    "project": ProjectDocument,
    "collective": CollectiveDocument,
    "coworking": CoworkingDocument,
}


def index_settings() -> dict:
    """The settings every index of ours is created with: shards and replicas from the project settings."""
    return {
        "number_of_shards": settings.ELASTICSEARCH_SHARDS,
        "number_of_replicas": settings.ELASTICSEARCH_REPLICAS,
        "refresh_interval": "1s",
    }


def index_definition(kind: str, name: str) -> Index:
    """The index `name` with the analysers and the mapping of `kind` ("profile" or "project")."""
    index = Index(name)
    index.settings(**index_settings())
    index.document(DOCUMENTS[kind])
    index.mapping(Mapping().meta("_meta", {"version": MAPPING_VERSION}))
    return index
