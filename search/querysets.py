"""What search may ever show: the one definition both backends and the indexer share."""

from django.db.models import Prefetch, QuerySet

from coworking.selectors import approved_spaces
from profiles.models import FreelancerProfile, Skill
from projects.models import Invitation, Project, Visibility, project_taking_quotes


def searchable_profiles() -> QuerySet[FreelancerProfile]:
    """Profiles anyone may find: not hidden by moderation, with an active account and a name."""
    return (
        FreelancerProfile.objects.filter(is_hidden=False, user__is_active=True)
        .exclude(display_name="")
        .select_related("municipality__mrc")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
    )


def searchable_projects() -> QuerySet[Project]:
    """Projects taking quotes: open, published, not hidden, closing date not past.

    Invite-only ones are in here too; every search narrows them to the invited freelancers.
    """
    return (
        Project.objects.filter(
            project_taking_quotes(),
            is_hidden=False,
            published_at__isnull=False,
            visibility__in=[Visibility.PUBLIC, Visibility.INVITED],
            owner__is_active=True,
        )
        .select_related("municipality__mrc")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
            Prefetch("invitations", queryset=Invitation.objects.only("id", "project_id", "freelancer_id")),
        )
    )


def searchable_spaces():
    """Coworking spaces anyone may find: the approved ones (coworking.selectors), first photo at hand for the card."""
    return approved_spaces().prefetch_related("photos")
