"""Writes of the profiles app, split by subdomain; import from here."""

from ._common import (
    LANGUAGE_CHOICES,
    LANGUAGE_CODES,
    MAX_HOURLY_RATE,
    MAX_IMAGES_PER_ITEM,
    MAX_PORTFOLIO_ITEMS,
    MAX_SKILLS,
    MAX_TRAVEL_RADIUS_KM,
    PROFILE_FIELDS,
    search_key,
)
from .account import account_language_set, account_name_set
from .calendar import MAX_WEEKS_AHEAD, booked_weeks_set
from .peers import MAX_LOOKING_FOR, peer_listing_set
from .places import municipalities_load
from .portfolio import portfolio_item_create, portfolio_item_delete, portfolio_item_update
from .profile import profile_avatar_remove, profile_create, profile_save, profile_update, skills_get_or_create
from .reports import REPORT_KINDS, report_create, report_dismiss, report_hide_target, report_target_register

__all__ = [
    "LANGUAGE_CHOICES",
    "LANGUAGE_CODES",
    "MAX_HOURLY_RATE",
    "MAX_LOOKING_FOR",
    "MAX_IMAGES_PER_ITEM",
    "MAX_PORTFOLIO_ITEMS",
    "MAX_SKILLS",
    "MAX_TRAVEL_RADIUS_KM",
    "MAX_WEEKS_AHEAD",
    "PROFILE_FIELDS",
    "REPORT_KINDS",
    "account_language_set",
    "account_name_set",
    "booked_weeks_set",
    "municipalities_load",
    "peer_listing_set",
    "portfolio_item_create",
    "portfolio_item_delete",
    "portfolio_item_update",
    "profile_avatar_remove",
    "profile_create",
    "profile_save",
    "profile_update",
    "report_create",
    "report_dismiss",
    "report_hide_target",
    "report_target_register",
    "search_key",
    "skills_get_or_create",
]
