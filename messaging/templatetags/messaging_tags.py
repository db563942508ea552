import datetime

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from messaging import selectors

register = template.Library()

# The characters of Django's date format that static/js/chat.js fills in itself (numbers), and those it
# takes, already translated, from chat_time_spec (words): months, then AM/PM.
_CHAT_TIME_NUMBERS = frozenset("jdnmGHgiY")
_CHAT_TIME_MONTHS = frozenset("NMFbE")
_CHAT_TIME_HALF_DAYS = frozenset("Aa")


@register.simple_tag(takes_context=True)
def messaging_unread_counts(context):
    """Unread messages and notifications of the signed-in member, for the header badges."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"messages": 0, "notifications": 0}
    # One query for both badges: every signed-in page pays for them.
    counts = selectors.unread_counts(user_id=user.pk)
    return {"messages": counts["total"], "notifications": counts["notifications"]}


@register.filter
def message_html(body):
    """A message body as escaped text with clickable links."""
    return selectors.message_body_html(body)


@register.simple_tag(takes_context=True)
def write_button(context, *, project_id, with_user_id, next_url: str, label=None, person=None, css="button-small"):
    """An "Écrire" button: a form that POSTs to conversation-open, which opens (or finds) the conversation.

    With `person`, the button's accessible name says whom it writes to ("Écrire à Mireille Gagnon"): the
    quote table has one button per row. format_html rather than an included template: that table has
    up to a hundred rows (bench/pages.py).
    """
    action = context.render_context.get("conversation_open_url")
    if action is None:
        action = context.render_context["conversation_open_url"] = reverse("conversation-open")
    aria = format_html(' aria-label="{}"', _("Écrire à %(name)s") % {"name": person}) if person else ""
    return format_html(
        '<form method="post" action="{}" class="write-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="project" value="{}">'
        '<input type="hidden" name="with_user" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="button button-secondary {}"{} data-write-button>{}</button></form>',
        action,
        context.get("csrf_token", ""),
        int(project_id),
        int(with_user_id),
        next_url,
        css,
        aria,
        label if label is not None else _("Écrire"),
    )


def _chat_time_format() -> str:
    # CHAT_TIME_FORMAT lives beside the other formats of each language, in marketplace/common/formats/.
    return formats.get_format("CHAT_TIME_FORMAT")


@register.filter
def chat_time(value) -> str:
    """A message's time as the chat shows it, in the reader's language and the site's time zone.

    static/js/chat.js writes the same text for messages that arrive live (from chat_time_spec), so a
    time reads the same before and after a reload.
    """
    return dateformat.format(timezone.localtime(value), _chat_time_format())


@register.simple_tag
def chat_time_spec() -> dict:
    """What chat.js needs to write chat_time's text: the format, its words in this language, the time zone."""
    fmt = _chat_time_format()
    words = {}
    escaped = False
    for char in fmt:
        if escaped or not char.isalpha():
            escaped = char == "\\" and not escaped
            continue
        if char in _CHAT_TIME_MONTHS:
            words[char] = [dateformat.format(datetime.date(2001, month, 1), char) for month in range(1, 13)]
        elif char in _CHAT_TIME_HALF_DAYS:
            words[char] = [dateformat.format(datetime.datetime(2001, 1, 1, hour), char) for hour in (0, 12)]
        elif char not in _CHAT_TIME_NUMBERS:
            raise ImproperlyConfigured(f"CHAT_TIME_FORMAT: chat.js cannot write {char!r} in {fmt!r}.")
    return {"format": fmt, "words": words, "time_zone": timezone.get_current_timezone_name()}


@register.simple_tag(takes_context=True)
def peer_write_button(context, *, profile, blocked_ids=None, css="button-secondary button-small", label=None):
    """The "Écrire" button from one freelancer to another: a form that opens (or finds) their conversation.

    In a list the page passes `blocked_ids` (selectors.blocked_user_ids, one query for the list) and knows
    the viewer is a freelancer; alone (a profile page), the tag asks `peer_write_allowed` itself.
    """
    request = context["request"]
    if blocked_ids is None:
        if not selectors.peer_write_allowed(user=request.user, other_user_id=profile.user_id):
            return ""
    elif profile.user_id in blocked_ids or profile.user_id == request.user.pk:
        return ""
    return format_html(
        '<form method="post" action="{}" class="write-form peer-write-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="with_user" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="button {}" aria-label="{}" data-peer-write-button>{}</button></form>',
        reverse("conversation-open-peer"),
        context.get("csrf_token", ""),
        int(profile.user_id),
        request.get_full_path(),
        css,
        _("Écrire à %(name)s") % {"name": profile.display_name},
        label if label is not None else _("Écrire"),
    )


@register.simple_tag(takes_context=True)
def peer_blocked_ids(context, profiles) -> set[int]:
    """Who among these profiles' owners the viewer blocked or was blocked by (one query for a list)."""
    return selectors.blocked_user_ids(user=context["request"].user, among=[p.user_id for p in profiles])
