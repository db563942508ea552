"""The one rule for JSON that comes from outside (API bodies, socket frames): bounded nesting.

Python's parser recurses once per level: a 60 KB body of `[[[[…` raises RecursionError deep inside it,
which used to escape as a 500 or close the socket. Nothing we accept nests deeper than a few levels.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _

MAX_DEPTH = 32


class JSONInputError(ValueError):
    """Not JSON, or nested deeper than MAX_DEPTH; `message` is user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def json_input_loads(text: str | bytes) -> Any:
    """Parse JSON from outside; raise JSONInputError when it is not JSON or nests too deep."""
    try:
        # NaN and Infinity are Python's extension, not JSON (DRF refuses them too).
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise JSONInputError(_("JSON trop imbriqué (%(max)d niveaux au plus).") % {"max": MAX_DEPTH}) from None
    except ValueError:
        raise JSONInputError(_("JSON attendu.")) from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise JSONInputError(_("JSON trop imbriqué (%(max)d niveaux au plus).") % {"max": MAX_DEPTH})
    return value
