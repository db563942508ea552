from django import template

from messaging import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def messaging_unread_counts(context):
    """Unread messages and notifications of the signed-in member, for the header badges."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"messages": 0, "notifications": 0}
    return {
        "messages": selectors.unread_message_total(user=user),
        "notifications": selectors.unread_notification_count(user=user),
    }


@register.filter
def message_html(body):
    """A message body as escaped text with clickable links."""
    return selectors.message_body_html(body)
