from django import template

from community import selectors
from marketplace.common.text import plain_text_html

register = template.Library()


@register.simple_tag(takes_context=True)
def groups_unread_count(context) -> int:
    """Unread bulletin-board posts over the signed-in member's groups, for the header's "Groupes" badge."""
    user = context["request"].user
    return selectors.group_unread_total(user=user) if user.is_authenticated else 0


@register.filter
def post_html(body):
    """A post's text, escaped, with clickable links (the site's one renderer, as in the chat)."""
    return plain_text_html(body)
