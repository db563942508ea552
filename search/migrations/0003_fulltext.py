"""Full-text search for the database backend: FTS5 tables on SQLite, unaccent + French on PostgreSQL.

Each step runs only on its database. The SQL is frozen here (not imported from search/fulltext.py)
so that this migration keeps doing the same thing whatever the app code becomes.
"""

from django.db import migrations

# Region codes and their names, as in profiles.models.Region when this migration was written.
REGIONS = {
    "01": "Bas-Saint-Laurent",
    "02": "Saguenay–Lac-Saint-Jean",
    "03": "Capitale-Nationale",
    "04": "Mauricie",
    "05": "Estrie",
    "06": "Montréal",
    "07": "Outaouais",
    "08": "Abitibi-Témiscamingue",
    "09": "Côte-Nord",
    "10": "Nord-du-Québec",
    "11": "Gaspésie–Îles-de-la-Madeleine",
    "12": "Chaudière-Appalaches",
    "13": "Laval",
    "14": "Lanaudière",
    "15": "Laurentides",
    "16": "Montérégie",
    "17": "Centre-du-Québec",
}

TOKENIZER = "unicode61 remove_diacritics 2"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE search_profile_fts USING fts5(name, headline, skills, bio, place, tokenize = '{TOKENIZER}')",
    f"CREATE VIRTUAL TABLE search_project_fts USING fts5(title, description, skills, place, tokenize = '{TOKENIZER}')",
]


def _place_sql() -> str:
    regions = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in REGIONS.items())
    return f"CASE WHEN m.id IS NULL THEN '' ELSE m.name || ' ' || (CASE m.region {regions} ELSE '' END) END"


# The SQL below is built from this file's constants only, never from data: hence the S608 noqa.


def _skills_sql(through: str, owner: str, alias: str) -> str:
    return (
        f"COALESCE((SELECT group_concat(s.name, ' ') FROM {through} t JOIN profiles_skill s ON s.id = t.skill_id "  # noqa: S608
        f"WHERE t.{owner} = {alias}.id), '')"
    )


def sqlite_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    place = _place_sql()
    statements = SQLITE_CREATE + [
        "INSERT INTO search_profile_fts (rowid, name, headline, skills, bio, place) "  # noqa: S608
        f"SELECT p.id, p.display_name, p.headline, "
        f"{_skills_sql('profiles_freelancerprofile_skills', 'freelancerprofile_id', 'p')}, p.bio, {place} "
        "FROM profiles_freelancerprofile p LEFT JOIN profiles_municipality m ON m.id = p.municipality_id",
        "INSERT INTO search_project_fts (rowid, title, description, skills, place) "  # noqa: S608
        f"SELECT p.id, p.title, p.description, {_skills_sql('projects_project_skills', 'project_id', 'p')}, {place} "
        "FROM projects_project p LEFT JOIN profiles_municipality m ON m.id = p.municipality_id",
    ]
    for statement in statements:
        schema_editor.execute(statement)


def sqlite_backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_profile_fts")
    schema_editor.execute("DROP TABLE IF EXISTS search_project_fts")


# unaccent is a trusted extension (PostgreSQL 13+): the database owner may create it.
POSTGRES_FORWARDS = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""


def postgres_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARDS)


def postgres_backwards(apps, schema_editor):
    # The extension stays: other code may use unaccent; the configuration is ours alone.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_savedsearch_savedsearchmatch_and_more"),
        ("profiles", "0004_file_sizes_for_storage_quota"),
        ("projects", "0004_project_open_public_idx"),
    ]

    operations = [
        migrations.RunPython(sqlite_forwards, sqlite_backwards, elidable=False),
        migrations.RunPython(postgres_forwards, postgres_backwards, elidable=False),
    ]
