"""Reads of the community app, split by subdomain; import from here."""

from .events import *  # noqa: F403
from .groups import *  # noqa: F403
