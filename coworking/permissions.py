"""Access helpers: fetch a space and check who asks, in one call, so no view can forget."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coworking.models import CoworkingSpace, SpaceStatus
from marketplace.common.errors import NotFound, PermissionDenied


def can_manage(*, user, space: CoworkingSpace) -> bool:
    """Staff, or one of the space's managers."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or space.managers.filter(pk=user.pk).exists()


def _visible_to(user) -> Q:
    visible = Q(status=SpaceStatus.APPROVED)
    if user is not None and user.is_authenticated:
        if user.is_staff:
            return Q()
        visible |= Q(managers=user) | Q(proposed_by=user)
    return visible


def space_get_visible(*, user, slug: str) -> CoworkingSpace:
    """A space anyone may see once approved; before that only its managers and staff. Else "not found"."""
    space = (
        CoworkingSpace.objects.filter(_visible_to(user), slug=slug)
        .select_related("municipality__mrc")
        .distinct()
        .first()
    )
    if space is None:
        raise NotFound(_("Cet espace de travail n'existe pas."))
    return space


def space_get_for_manager(*, user, space_id: int, lock: bool = False) -> CoworkingSpace:
    """The space, for its managers and staff; others get "not found" (unapproved) or "forbidden"."""
    queryset = CoworkingSpace.objects.select_for_update() if lock else CoworkingSpace.objects.all()
    space = queryset.filter(pk=space_id).first()
    if space is None:
        raise NotFound(_("Cet espace de travail n'existe pas."))
    if not can_manage(user=user, space=space):
        if space.status != SpaceStatus.APPROVED:
            raise NotFound(_("Cet espace de travail n'existe pas."))
        raise PermissionDenied(_("Seuls les gestionnaires de cet espace peuvent le modifier."))
    return space


def space_get_for_staff(*, user, space_id: int, lock: bool = False) -> CoworkingSpace:
    """The space, for staff only (approval and refusal)."""
    if user is None or not user.is_authenticated or not user.is_staff:
        raise PermissionDenied(_("Seule l'équipe du site approuve les espaces de travail."))
    queryset = CoworkingSpace.objects.select_for_update() if lock else CoworkingSpace.objects.all()
    space = queryset.filter(pk=space_id).first()
    if space is None:
        raise NotFound(_("Cet espace de travail n'existe pas."))
    return space
