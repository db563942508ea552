"""Conversations for the messaging tests, opened through the real service."""

from messaging import services
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory


def conversation_with_quote(**project_kwargs):
    """A client's project, a freelancer's quote on it, and their conversation (opened by the client)."""
    project = ProjectFactory(**project_kwargs)
    freelancer = FreelancerProfileFactory().user
    QuoteFactory(project=project, freelancer=freelancer)
    conversation, _created = services.conversation_open(
        user=project.owner, project_id=project.pk, with_user_id=freelancer.pk
    )
    return conversation, project.owner, freelancer
