"""A project written before sign-up: kept in the visitor's session, saved for the account they create.

When sign-up creates the account (allauth's user_signed_up, see projects/receivers.py), the project is
saved for it at once; the services keep it awaiting the e-mail's confirmation. A sign-up with an address
that already has an account creates nothing: the text stays in the session for whoever signs in here.
Both end on the same page with the same notice, so that page never tells whether the address was known.
"""

from __future__ import annotations

from marketplace.common.errors import DomainError
from projects import services
from projects.forms import ProjectForm
from projects.models import Project

SESSION_KEY = "projects:pending_project"


def stash_keep(request, *, data: dict, publish: bool) -> None:
    """Keep a visitor's project fields (as sent) in their session until they have an account."""
    request.session[SESSION_KEY] = {**data, "action": "publish" if publish else "draft"}


def stash_get(request) -> dict | None:
    return request.session.get(SESSION_KEY) or None


def stash_clear(request) -> None:
    request.session.pop(SESSION_KEY, None)


def stash_save_for_new_account(*, request, user) -> Project | None:
    """Save the stashed project for the account just created; the session remembers which one it became.

    A stash that no longer validates (a closing date passed meanwhile) stays as it is: after sign-in the
    resume page shows it with its errors, nothing retyped.
    """
    stash = stash_get(request)
    if stash is None or stash.get("project_id"):
        return None
    form = ProjectForm(stash)
    if not form.is_valid():
        return None
    try:
        project = services.project_create(owner=user, data=form.service_data(), publish=stash["action"] != "draft")
    except DomainError:
        return None
    request.session[SESSION_KEY] = {**stash, "project_id": project.pk}
    return project
