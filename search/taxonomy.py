"""Words of the trades: synonyms for the analysers, and the categories a profile's words point to.

Both backends use these, so the database fallback files a freelancer under the same categories as
Elasticsearch does.
"""

import re
import unicodedata

# Search-time synonyms (Solr format, one group per line). Written with accents and in both languages;
# the analyser folds them exactly as it folds the text, so "développeur" and "developpeur" both match.
TRADE_SYNONYMS = [
    "graphiste, designer graphique, design graphique, infographiste, graphic designer",
    "rédacteur, rédactrice, rédaction, copywriter, concepteur-rédacteur, conceptrice-rédactrice",
    "développeur, développeuse, programmeur, programmeuse, développement, programmation, developer, programmer",
    "comptable, comptabilité, tenue de livres, teneur de livres, teneuse de livres, bookkeeper, bookkeeping, accountant",
    "photographe, photographie, photo, photographer, photography",
    "vidéaste, vidéo, vidéographe, videographer, video",
    "traducteur, traductrice, traduction, translator, translation",
    "réviseur, réviseure, révision, correcteur, correctrice, correction, proofreader, proofreading",
    "illustrateur, illustratrice, illustration, illustrator",
    "adjoint virtuel, adjointe virtuelle, assistant virtuel, assistante virtuelle, virtual assistant",
    "menuisier, menuisière, menuiserie, ébéniste, ébénisterie, carpenter",
    "électricien, électricienne, électricité, electrician",
    "plombier, plombière, plomberie, plumber",
    "site web, site internet, website",
    "réseaux sociaux, médias sociaux, social media",
    "référencement, seo",
    "balado, baladodiffusion, podcast",
    "formateur, formatrice, formation, trainer, training",
    "tuteur, tutrice, tutorat, tutor, tutoring",
]

# Word stems (folded, lowercase) that place a profile in a category. Matched at the start of a word,
# so "son" does not file a "maison" renovator under audio.
CATEGORY_STEMS = {
    "web": [
        "web",
        "develop",
        "programm",
        "logiciel",
        "wordpress",
        "shopify",
        "python",
        "django",
        "javascript",
        "informati",
        "site internet",
        "application",
        "software",
    ],
    "design": ["graphi", "design", "illustr", "logo", "infograph", "mise en page", "ux", "ui"],
    "writing": [
        "redact",
        "redig",
        "traduc",
        "translat",
        "copywrit",
        "revis",
        "correct",
        "ecrivain",
        "writer",
        "contenu",
    ],
    "photo_video": ["photo", "video", "montage", "cineast", "drone", "tournage"],
    "marketing": [
        "marketing",
        "reseaux sociaux",
        "medias sociaux",
        "seo",
        "referencement",
        "publicit",
        "communication",
        "infolettre",
        "social media",
    ],
    "accounting": ["compta", "tenue de livres", "teneu", "fiscal", "impot", "paie", "bookkeep", "account"],
    "admin": ["adjoint", "assistant", "administrat", "secretar", "saisie", "service a la clientele"],
    "trades": [
        "menuis",
        "renov",
        "plomb",
        "electric",
        "peint",
        "charpent",
        "ebenist",
        "construction",
        "soudure",
        "soudeu",
    ],
    "consulting": ["conseil", "consult", "gestion", "strateg", "coach"],
    "training": ["formation", "format", "tutorat", "tuteu", "tutri", "enseign", "cours", "trainer"],
    "events": ["evenement", "animation", "animat", "dj", "traiteu", "mariage"],
    "agriculture": ["agric", "agronom", "horticu", "environnement", "foresti", "ferme"],
    "audio_music": ["audio", "musi", "son", "sonore", "balado", "podcast", "mixage", "chant"],
    "legal": ["juridi", "droit", "avocat", "notai", "conformit", "legal"],
    "care": ["soins", "garde", "aide a domicile", "prepose", "massoth", "coiff", "esthetic"],
}

_CATEGORY_PATTERNS = {
    category: re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in stems) + r")")
    for category, stems in CATEGORY_STEMS.items()
}


def fold(text: str) -> str:
    """Lowercase and strip accents, the way the analysers fold text."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def profile_categories(*, headline: str, skill_names: list[str]) -> list[str]:
    """The categories a freelancer's headline and skills point to (profiles have no category field)."""
    text = fold(" ".join([headline or "", *skill_names]))
    return [category for category, pattern in _CATEGORY_PATTERNS.items() if pattern.search(text)]
