"""Template tags of the events part: the group page's "Événements" section reads its events here."""

from django import template

from community import selectors, services

register = template.Library()


@register.simple_tag(takes_context=True)
def group_events(context, group):
    """The group's upcoming events (with counts) and whether the viewer organises the group."""
    user = context["request"].user
    return {
        "events": selectors.events_upcoming(user=user, group=group, limit=20),
        "is_organiser": services.is_group_organiser(user=user, group=group),
    }
