"""Writes: saved searches, and telling freelancers when a new project matches one."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import Conflict, NotFound, ValidationFailed
from notifications.models import NotificationKind
from notifications.services import notify
from projects.models import Category, Project
from search import indexing
from search.backends.base import BackendUnavailable
from search.client import get_client
from search.models import ProjectMatch, SavedSearch, SavedSearchMatch
from search.params import ProjectSearchParams
from search.percolator import saved_search_params

logger = logging.getLogger(__name__)

MAX_SAVED_SEARCHES = 20


def saved_search_create(*, user, params: ProjectSearchParams, frequency: str, name: str = "") -> SavedSearch:
    """Save a project search for `user`; one per distinct set of filters, at most 20."""
    if frequency not in SavedSearch.Frequency.values:
        raise ValidationFailed(_("Choisissez la fréquence des avis."), field="frequency")
    query = params.saved_query()
    name = " ".join((name or "").split())[:120] or _describe(params)
    with transaction.atomic():
        # Both refusals depend on what the member already saved, not on the search sent: conflicts (409).
        if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
            raise Conflict(
                _("Vous avez déjà %(n)s recherches sauvegardées : supprimez-en une d'abord.")
                % {"n": MAX_SAVED_SEARCHES}
            )
        try:
            with transaction.atomic():
                saved_search = SavedSearch.objects.create(user=user, name=name, query=query, frequency=frequency)
        except IntegrityError:
            raise Conflict(_("Cette recherche est déjà sauvegardée.")) from None
        _store_on_commit(saved_search.pk)
    return saved_search


def saved_search_delete(*, user, saved_search_id: int) -> None:
    """Delete one of the user's saved searches (someone else's is not found)."""
    deleted, _count = SavedSearch.objects.filter(user=user, pk=saved_search_id).delete()
    if not deleted:
        raise NotFound(_("Recherche sauvegardée introuvable."))
    _store_on_commit(saved_search_id)


def _store_on_commit(saved_search_id: int) -> None:
    """Have the percolator's copy of a saved search follow it (stored, or removed once deleted)."""
    if get_client() is None:
        return

    def store():
        try:
            indexing.store_saved_searches(ids=[saved_search_id])
        except BackendUnavailable as exc:
            # Not lost: before matching a project, the drain stores what the index lacks (saved_searches_sync).
            logger.warning("saved search %s not stored in the matching index: %s", saved_search_id, exc)

    transaction.on_commit(store)


def _describe(params: ProjectSearchParams) -> str:
    parts = []
    if params.q:
        parts.append(f"« {params.q} »")
    if params.category:
        parts.append(str(Category(params.category).label))
    if params.near is not None:
        parts.append(f"{params.near.name} ({params.radius_km:g} km)")
    if params.remote:
        parts.append(str(_("à distance")))
    return ", ".join(parts)[:120] or str(_("Tous les projets"))


def _search_url(saved_search: SavedSearch) -> str:
    base = reverse("project-search")
    return f"{base}?{saved_search.query}" if saved_search.query else base


def saved_searches_match_projects(*, project_ids: list[int]) -> int:
    """Record which saved searches each newly searchable project matches; notify the "immediate" ones.

    Called by the outbox drain. With Elasticsearch, its percolator picks the saved searches each
    project may match, in one call per project; without it, every saved search is a candidate. Each
    candidate is then checked on the database backend, the source of truth, so both give the same
    answers; a (saved search, project) pair is recorded once, so nobody hears twice. Raises
    BackendUnavailable when the node is down: the drain keeps its entries and tries again.
    """
    from search.backends import db
    from search.querysets import searchable_projects

    if not project_ids:
        return 0
    projects = list(searchable_projects().filter(pk__in=project_ids))
    if not projects:
        return 0
    created = 0
    told_by_profile = set(
        ProjectMatch.objects.filter(project_id__in=[p.pk for p in projects]).values_list(
            "profile__user_id", "project_id"
        )
    )
    saved_searches = SavedSearch.objects.select_related("user").filter(user__is_active=True)
    if get_client() is not None:
        indexing.saved_searches_sync()
        candidate_ids = set()
        for project in projects:
            candidate_ids.update(indexing.percolate_project_wishes(project)[1])
        saved_searches = saved_searches.filter(pk__in=candidate_ids)
    for saved_search in saved_searches:
        params = saved_search_params(saved_search)
        if params is None:
            continue
        candidates = tuple(
            p.pk
            for p in projects
            if p.owner_id != saved_search.user_id and p.published_at and p.published_at >= saved_search.created_at
        )
        if not candidates:
            continue
        params = ProjectSearchParams(**{**params.__dict__, "only_ids": candidates, "page": 1, "page_size": 50})
        matched = db.search_projects(params, user_id=saved_search.user_id, with_cards=False).hits
        for hit in matched:
            _match, was_created = SavedSearchMatch.objects.get_or_create(saved_search=saved_search, project_id=hit.id)
            if not was_created:
                continue
            created += 1
            if (saved_search.user_id, hit.id) in told_by_profile:
                # Already told by their profile (search/matching.py, which runs first): one notice per project.
                SavedSearchMatch.objects.filter(pk=_match.pk).update(notified_at=timezone.now())
            elif saved_search.frequency == SavedSearch.Frequency.IMMEDIATE:
                _notify_one(saved_search, _match)
    return created


def _notify_one(saved_search: SavedSearch, match: SavedSearchMatch) -> None:
    project = Project.objects.get(pk=match.project_id)
    url = reverse("project-detail", args=[project.pk])
    notify(
        recipient=saved_search.user,
        kind=NotificationKind.SAVED_SEARCH_MATCH,
        params={"name": saved_search.name, "title": project.title, "description": project.description[:300]},
        url=url,
    )
    SavedSearchMatch.objects.filter(pk=match.pk).update(notified_at=timezone.now())


def saved_searches_send_digests() -> int:
    """Send each "daily" saved search one notification listing its new matches; returns how many were sent.

    Run once a day (`manage.py search_saved_digest`); running it twice sends nothing new.
    """
    sent = 0
    for saved_search in SavedSearch.objects.select_related("user").filter(frequency=SavedSearch.Frequency.DAILY):
        with transaction.atomic():
            pending = list(
                SavedSearchMatch.objects.select_for_update(skip_locked=True)
                .filter(saved_search=saved_search, notified_at__isnull=True)
                .select_related("project")
                .order_by("id")
            )
            if not pending:
                continue
            titles = [m.project.title for m in pending[:5]]
            count = len(pending)
            notify(
                recipient=saved_search.user,
                kind=NotificationKind.SAVED_SEARCH_MATCH,
                params={"name": saved_search.name, "count": count, "titles": titles},
                url=_search_url(saved_search),
            )
            now = timezone.now()
            SavedSearchMatch.objects.filter(pk__in=[m.pk for m in pending]).update(notified_at=now)
            SavedSearch.objects.filter(pk=saved_search.pk).update(last_digest_at=now)
            sent += 1
    return sent
