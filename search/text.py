"""Words of a query, and highlighting for the database backend."""

import re

from django.utils.html import escape

from search.taxonomy import fold

# Folded stop words: the analysers' stop filter (search/documents.py) drops exactly these, after
# accent folding (so "à" is already "a"); query_words() drops them too for the database backend.
STOP_WORDS = (
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "en", "et", "la", "le", "les", "ou",
    "par", "pour", "sur", "un", "une", "est", "the", "and", "of", "in", "for", "to", "an", "with",
)  # fmt: skip
# Elided articles (l'entreprise, d'affaires, qu'on, jusqu'à): the analysers' elision filter strips them.
ELISION_ARTICLES = ("l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu")
_DROPPED = frozenset(STOP_WORDS) | frozenset(ELISION_ARTICLES)
_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(q: str) -> list[str]:
    """The meaningful words of a query, as typed (accents kept), without stop words or symbols."""
    words = []
    for word in _WORD.findall(q or ""):
        if word.replace("_", "") and fold(word) not in _DROPPED:
            words.append(word)
    return list(dict.fromkeys(words))


def highlight(text: str, words: list[str], *, max_chars: int | None = None) -> str:
    """HTML-escaped `text` with <mark> around each occurrence of the words (accent- and case-insensitive)."""
    if not text:
        return ""
    folded_text = fold(text)
    # fold() keeps one character per character for Latin text, so positions line up; if not, give up marking.
    if len(folded_text) != len(text) or not words:
        return escape(text[:max_chars] if max_chars else text)
    spans = []
    for word in words:
        key = fold(word)
        if not key:
            continue
        for match in re.finditer(re.escape(key), folded_text):
            spans.append((match.start(), match.end()))
    spans.sort()
    start_at = 0
    end_at = len(text)
    if max_chars and len(text) > max_chars:
        first = spans[0][0] if spans else 0
        start_at = max(0, first - max_chars // 3)
        end_at = min(len(text), start_at + max_chars)
    out = []
    pos = start_at
    for start, end in spans:
        if start < pos or end > end_at:
            continue
        out.append(escape(text[pos:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        pos = end
    out.append(escape(text[pos:end_at]))
    prefix = "… " if start_at > 0 else ""
    suffix = " …" if end_at < len(text) else ""
    return prefix + "".join(out) + suffix


def plain_text(q: str) -> str:
    """The query as words only (symbols, emoji and syntax dropped), for the Elasticsearch match queries."""
    return " ".join(_WORD.findall(q or ""))
