"""Who hears about a new project, told once each; and the client's "Pigistes près de votre projet".

The rule (`freelancers_to_tell`), the same on both backends:
- the work fits: a skill of the project is among the freelancer's; a project without skills fits the
  freelancers whose headline and skills point to its category (search.taxonomy.profile_categories,
  the words that file a profile under a category in both searches: profiles carry no category);
- the place fits: the project's municipality is the freelancer's own, or within their travel radius
  (great-circle distance between the two municipalities; a radius of 0 means their own municipality
  only), or both the project and the freelancer accept remote work;
- the freelancer is free on the wished dates (profiles.selectors.free_during from `starts_on`, or the
  day of publication when there is none);
- neither has blocked the other; not the owner; visible profiles only (search.querysets).
Only public projects are announced: an invite-only one reaches the people its owner chose.

Candidates (work and place) come from the backend: Elasticsearch's percolator, or the same rule in SQL
under `make run`. Availability, blocks and visibility are applied after, by the same code for both.

Collectives hear about a public project too (search/collectives.py has the rule: their members' skills,
their municipality within their members' longest travel radius, or remote work on both sides): each
active admin of a fitting collective is told, once per project whatever the path (ProjectMatch on the
admin's own profile), unless a block stands between them and the owner. An admin without a freelancer
profile is not told (members are freelancers: the collectives app asks for a profile to join).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notify
from profiles.models import FreelancerProfile
from profiles.selectors import free_during, profile_next_free_week, upcoming_booked_weeks, week_of
from projects.hooks import writing_rules
from projects.models import Invitation, Project, Visibility
from projects.permissions import project_get_for_owner
from search import indexing
from search.backends.base import haversine_km
from search.client import get_client
from search.collectives import collective_admins, collectives_fitting
from search.models import ProjectMatch
from search.querysets import searchable_profiles, searchable_projects
from search.taxonomy import profile_categories

MAX_NEARBY = 10
# A degree of latitude is at least this many km: the SQL box is never narrower than the circle.
KM_PER_DEGREE_LATITUDE = 110.5


@dataclass
class NearbyFreelancer:
    """One line of "Pigistes près de votre projet"."""

    profile: FreelancerProfile
    distance_km: float | None
    next_free_week: datetime.date | None
    invited: bool

    @property
    def free_this_week(self) -> bool:
        return self.next_free_week is not None and self.next_free_week <= week_of(timezone.localdate())


def wished_start(project: Project) -> datetime.date:
    """The day the freelancer must be free from: `starts_on`, or the day of publication when none."""
    if project.starts_on:
        return project.starts_on
    published = project.published_at or timezone.now()
    return timezone.localdate(published)


def _distance_km(project: Project, profile: FreelancerProfile) -> float | None:
    here, there = project.municipality, profile.municipality
    if here is None or there is None:
        return None
    if here.pk == there.pk:
        return 0.0
    return haversine_km(here.latitude, here.longitude, there.latitude, there.longitude)


def place_fits(project: Project, profile: FreelancerProfile) -> bool:
    """The project's place is within the freelancer's radius (their own municipality at 0 km), or both go remote."""
    if project.remote and profile.remote:
        return True
    distance = _distance_km(project, profile)
    if distance is None:
        return False
    return profile.municipality_id == project.municipality_id or distance <= profile.travel_radius_km


def work_fits(project: Project, profile: FreelancerProfile, *, project_skill_ids: set[int]) -> bool:
    """A shared skill; or, for a project without skills, its category among the profile's (prefetched skills)."""
    skills = list(profile.skills.all())
    if project_skill_ids:
        return any(skill.pk in project_skill_ids for skill in skills)
    return project.category in profile_categories(
        headline=profile.headline, skill_names=[skill.name for skill in skills]
    )


def _place_prefilter(project: Project) -> Q:
    """SQL for "maybe near enough": same municipality, a latitude band as wide as each radius, or both remote."""
    place = Q(pk__in=[])
    here = project.municipality
    if here is not None:
        band = ExpressionWrapper(F("travel_radius_km") * 1.0 / KM_PER_DEGREE_LATITUDE, output_field=FloatField())
        place |= Q(municipality_id=here.pk) | Q(
            municipality__latitude__gte=here.latitude - band, municipality__latitude__lte=here.latitude + band
        )
    if project.remote:
        place |= Q(remote=True)
    return place


def _candidate_profiles(
    project: Project, *, project_skill_ids: set[int], profiles: QuerySet[FreelancerProfile] | None = None
) -> QuerySet[FreelancerProfile]:
    """Visible profiles, not the owner's, maybe near enough, sharing a skill when the project names some."""
    profiles = (profiles if profiles is not None else searchable_profiles()).exclude(user_id=project.owner_id)
    # Only what the rule reads: the profiles' skills, for a project without any (a shared skill is checked in SQL).
    profiles = profiles.filter(_place_prefilter(project)).prefetch_related(None)
    if project_skill_ids:
        return profiles.filter(
            pk__in=FreelancerProfile.skills.through.objects.filter(skill_id__in=project_skill_ids).values(
                "freelancerprofile_id"
            )
        )
    return profiles.prefetch_related("skills")


def _exact_fits(project: Project, profiles, *, project_skill_ids: set[int]) -> list[FreelancerProfile]:
    """Exact distances, and for a project without skills the categories, in Python on the prefiltered rows."""
    return [
        profile
        for profile in profiles
        if place_fits(project, profile)
        and (project_skill_ids or work_fits(project, profile, project_skill_ids=project_skill_ids))
    ]


def _database_fits(project: Project) -> list[FreelancerProfile]:
    """The work-and-place rule on the database (the candidates of `make run`)."""
    project_skill_ids = {skill.pk for skill in project.skills.all()}
    candidates = _candidate_profiles(project, project_skill_ids=project_skill_ids)
    return _exact_fits(project, candidates, project_skill_ids=project_skill_ids)


def _backend_candidate_ids(project: Project) -> list[int]:
    """Work and place, from Elasticsearch's percolator when configured (raises BackendUnavailable when down)."""
    if get_client() is not None:
        # The freelancers' stored "what I want to hear about" queries (search/percolator.py), in one call.
        return indexing.percolate_project(project)
    return [profile.pk for profile in _database_fits(project)]


def _free_and_unblocked(
    project: Project, profiles: QuerySet[FreelancerProfile], *, start: datetime.date | None = None
) -> QuerySet[FreelancerProfile]:
    """Free on the wished dates, and no block either way between them and the owner: filters of one query."""
    profiles = free_during(profiles.exclude(user_id=project.owner_id), start=start or wished_start(project))
    return profiles.exclude(writing_rules().blocked_between(user_id=project.owner_id, other_id=OuterRef("user_id")))


def freelancers_to_tell(project: Project) -> list[int]:
    """Ids of the profiles a newly published project fits, by the rule in this module's docstring."""
    if project.visibility != Visibility.PUBLIC:
        return []
    candidate_ids = _backend_candidate_ids(project)
    if not candidate_ids:
        return []
    profiles = searchable_profiles().filter(pk__in=candidate_ids)
    return sorted(_free_and_unblocked(project, profiles).values_list("pk", flat=True))


def project_matches_run(*, project_ids: list[int]) -> int:
    """Tell every freelancer a live project fits, once per (project, profile); returns how many were told.

    Called by the outbox drain each time a project is (re)indexed: an edit may reach newly fitting
    people, never again those already told. Raises BackendUnavailable when Elasticsearch is down, so the
    drain keeps its entries and runs this again when the node is back.
    """
    if not project_ids:
        return 0
    projects = (
        searchable_projects()
        .filter(pk__in=project_ids, visibility=Visibility.PUBLIC)
        .select_related("owner", "municipality")
    )
    told = 0
    for project in projects:
        profile_ids = freelancers_to_tell(project)
        if not profile_ids:
            continue
        with transaction.atomic():
            already = set(
                ProjectMatch.objects.filter(project=project, profile_id__in=profile_ids).values_list(
                    "profile_id", flat=True
                )
            )
            # One row each, created or not: two drains racing on one project can't both tell someone, the
            # unique (project, profile) lets one of them create it.
            new_ids = [
                pk
                for pk in profile_ids
                if pk not in already and ProjectMatch.objects.get_or_create(project=project, profile_id=pk)[1]
            ]
            if not new_ids:
                continue
            url = reverse("project-detail", args=[project.pk])
            place = project.municipality.name if project.municipality_id else ""
            for profile in FreelancerProfile.objects.select_related("user").filter(pk__in=new_ids):
                notify(
                    recipient=profile.user,
                    kind=NotificationKind.PROJECT_MATCH,
                    params={"title": project.title, "place": place, "remote": project.remote},
                    url=url,
                )
                told += 1
    for project in projects:
        told += _tell_collectives(project)
    return told


def _tell_collectives(project: Project) -> int:
    """Tell the admins of the collectives the project fits, each once per project; returns how many were told."""
    fitting = collectives_fitting(project)
    if not fitting:
        return 0
    admins = collective_admins([collective.pk for collective, _facts in fitting])
    profile_ids = {
        admin.freelancer_profile.pk
        for members in admins.values()
        for admin in members
        if hasattr(admin, "freelancer_profile")
    }
    allowed = set(
        FreelancerProfile.objects.filter(pk__in=profile_ids)
        .exclude(writing_rules().blocked_between(user_id=project.owner_id, other_id=OuterRef("user_id")))
        .values_list("pk", flat=True)
    )
    url = reverse("project-detail", args=[project.pk])
    place = project.municipality.name if project.municipality_id else ""
    told = 0
    for collective, _facts in fitting:
        for admin in admins.get(collective.pk, []):
            profile = getattr(admin, "freelancer_profile", None)
            if profile is None or profile.pk not in allowed:
                continue
            with transaction.atomic():
                # The admin heard about it already (as a freelancer, or through another collective): not again.
                if not ProjectMatch.objects.get_or_create(project=project, profile=profile)[1]:
                    continue
                notify(
                    recipient=admin,
                    kind=NotificationKind.PROJECT_MATCH,
                    params={
                        "title": project.title,
                        "place": place,
                        "remote": project.remote,
                        "collective": collective.name,
                    },
                    url=url,
                )
            told += 1
    return told


def nearby_freelancers(*, project: Project, limit: int = MAX_NEARBY) -> list[NearbyFreelancer]:
    """Up to `limit` freelancers the project fits, nearest first, for its owner; a fixed number of queries.

    Always the database rule, whatever the backend: the owner's page must answer when the node is down,
    and it ignores ProjectMatch (those already told are the first the client may want to invite).
    """
    if not project.takes_quotes:
        return []
    # Queries: the candidates (invitations as a subquery); their skills for a project without any; the
    # booked weeks of the ten shown. The page's cap (tests/projects/test_selectors.py) counts on it.
    project_skill_ids = {skill.pk for skill in project.skills.all()}
    # Free from the wished start, or from today once that day has passed.
    start = max(wished_start(project), timezone.localdate())
    candidates = (
        _free_and_unblocked(project, _candidate_profiles(project, project_skill_ids=project_skill_ids), start=start)
        .select_related("municipality__mrc")
        .annotate(invited=Exists(Invitation.objects.filter(project_id=project.pk, freelancer_id=OuterRef("user_id"))))
    )
    fitting = _exact_fits(project, candidates, project_skill_ids=project_skill_ids)
    chosen = sorted(fitting, key=lambda p: (_distance_km(project, p) is None, _distance_km(project, p) or 0.0, p.pk))
    chosen = chosen[:limit]
    if not chosen:
        return []
    prefetch_related_objects(chosen, upcoming_booked_weeks())
    return [
        NearbyFreelancer(
            profile=profile,
            distance_km=_distance_km(project, profile),
            next_free_week=profile_next_free_week(profile),
            invited=profile.invited,
        )
        for profile in chosen
    ]


def nearby_freelancers_for_owner(*, user, project_id: int) -> list[NearbyFreelancer]:
    """The owner's "Pigistes près de votre projet"; 404 when the project can't be seen, 403 for anyone else."""
    project = project_get_for_owner(user=user, project_id=project_id)
    return nearby_freelancers(project=project)
