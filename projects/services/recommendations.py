"""Passing work on: a freelancer recommends colleagues for a project; the client invites them in one click."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.common.inputs import FieldErrors, clean_text
from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile
from projects.hooks import writing_rules
from projects.models import Invitation, Project, Recommendation, Visibility

from ._common import project_url

# A recommendation is a personal word for a few people, not a mailing list.
MAX_COLLEAGUES = 5


def _refuse(message, **names) -> ValidationFailed:
    return ValidationFailed(message % names if names else message, field="colleagues")


def _colleagues_checked(
    *, project: Project, recommender, colleague_profile_ids: Iterable[int]
) -> list[FreelancerProfile]:
    """The colleagues' profiles, or the first reason one of them can't be recommended.

    We refuse the whole list rather than recommend some: a partial send leaves the recommender unsure who
    was told.
    """
    ids = list(dict.fromkeys(colleague_profile_ids))  # the same colleague twice in one list counts once
    if not ids:
        raise _refuse(_("Choisissez au moins un collègue à recommander."))
    if len(ids) > MAX_COLLEAGUES:
        raise _refuse(_("Vous pouvez recommander au plus %(max)s collègues à la fois."), max=MAX_COLLEAGUES)
    profiles = {
        p.pk: p for p in FreelancerProfile.objects.select_related("user").filter(pk__in=ids, user__is_active=True)
    }
    blocked = writing_rules().blocked_user_ids(user=recommender, among={p.user_id for p in profiles.values()})
    already = set(
        Recommendation.objects.filter(
            project=project, recommender=recommender, colleague_id__in=[p.user_id for p in profiles.values()]
        ).values_list("colleague_id", flat=True)
    )
    checked = []
    for profile_id in ids:
        profile = profiles.get(profile_id)
        if profile is None or profile.is_hidden:
            raise _refuse(_("Ce collègue n'a pas de profil de pigiste public : on ne peut pas le recommander."))
        if profile.user_id == recommender.pk:
            raise _refuse(_("Vous ne pouvez pas vous recommander vous-même."))
        if profile.user_id == project.owner_id:
            raise _refuse(_("%(name)s est le client de ce projet : on ne peut pas le lui recommander."), name=profile)
        if profile.user_id in blocked:
            raise _refuse(_("Vous ne pouvez pas recommander %(name)s : un blocage existe entre vous."), name=profile)
        if profile.user_id in already:
            raise _refuse(_("Vous avez déjà recommandé %(name)s pour ce projet."), name=profile)
        checked.append(profile)
    return checked


def recommendations_create(
    *, project: Project, recommender, colleague_profile_ids: Iterable[int], note: str = ""
) -> list[Recommendation]:
    """Record the recommendations and tell each colleague; the caller holds the project's row lock."""
    errors = FieldErrors()
    note = clean_text(note, field="note", errors=errors, max_length=1000)
    errors.raise_if_any()
    colleagues = _colleagues_checked(
        project=project, recommender=recommender, colleague_profile_ids=colleague_profile_ids
    )
    try:
        with transaction.atomic():
            made = [
                Recommendation.objects.create(project=project, recommender=recommender, colleague=p.user, note=note)
                for p in colleagues
            ]
    except IntegrityError as exc:  # the same recommendation sent twice at once
        raise _refuse(_("Vous avez déjà recommandé ce collègue pour ce projet.")) from exc
    for recommendation in made:
        notify(
            recipient=recommendation.colleague,
            kind=NotificationKind.RECOMMENDED,
            params={
                "title": project.title,
                "name": str(recommender.public_name),
                "note": note,
                # On an invite-only project the colleague can quote once the client invites them.
                "invite_only": project.visibility == Visibility.INVITED,
            },
            url=project_url(project.pk),
        )
    return made


@transaction.atomic
def recommendation_send(
    *, user, project_id: int, colleague_profile_ids: Iterable[int], note: str = ""
) -> list[Recommendation]:
    """ "Recommander à un collègue": a freelancer sends an open project they can see to colleagues."""
    project = Project.objects.select_for_update().select_related("owner").filter(pk=project_id).first()
    invited = project is not None and Invitation.objects.filter(project=project, freelancer=user).exists()
    if (
        project is None
        or project.is_hidden
        or project.status in ("draft", "awaiting_email")
        or (project.visibility == Visibility.INVITED and not invited and project.owner_id != user.pk)
    ):
        raise NotFound(_("Ce projet n'existe pas."))
    if project.owner_id == user.pk:
        raise PermissionDenied(_("C'est votre projet : invitez plutôt les pigistes que vous voulez."))
    if not project.takes_quotes:
        raise Conflict(_("Ce projet ne reçoit plus de soumissions : il n'y a plus rien à recommander."))
    if not FreelancerProfile.objects.filter(user=user).exists():
        raise PermissionDenied(_("Pour recommander un collègue, créez d'abord votre profil de pigiste."))
    return recommendations_create(
        project=project, recommender=user, colleague_profile_ids=colleague_profile_ids, note=note
    )
