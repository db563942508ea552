"""The "Écrire" form of a freelancer's profile, for a client with a project to talk about.

A tag of the projects app so that the profile page (profiles, an app below this one) shows it without
importing projects: its template loads this library, as it names the invitation page by its URL.
"""

from django import template

from projects import selectors

register = template.Library()


@register.inclusion_tag("projects/_write_to_freelancer.html", takes_context=True)
def write_to_freelancer_form(context, profile):
    """The viewer's projects to choose from, and the form that opens the conversation about one of them."""
    request = context["request"]
    return {
        "profile": profile,
        "projects": selectors.projects_to_write_about(user=request.user, freelancer=profile.user),
        "next_url": request.get_full_path(),
        "csrf_token": context.get("csrf_token", ""),
    }
