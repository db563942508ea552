from django import template

from notifications import texts

register = template.Library()


@register.filter
def notification_text(notification):
    """The notification's title and body in the reader's language (notifications.texts)."""
    return texts.notification_text(notification)
