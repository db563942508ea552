"""Collectives in the freelancer search (the "collectifs" filter) and in the matching of new projects.

A collective is found and matched like a freelancer, by these rules:
- its skills are the union of its active members' (collectives.selectors.collective_skills);
- its place is its own municipality; one without a municipality is found by words and filters, never
  by distance, and hears about remote projects only;
- its reach is the longest travel radius among its active members (0: its own municipality only): a
  search around a place finds it when the place is within its reach or the asked radius, and a new
  project is announced to it when the project's municipality is within its reach;
- it works remotely when one of its active members does;
- only a collective with an active member whose account is active is shown or told anything.
Freelancer-only filters (hourly rate, language, availability, free period, rating) describe a person:
a search using one lists freelancers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from profiles.models import FreelancerProfile
from search.backends.base import Hit, haversine_km
from search.cards import collective_card
from search.geo import reached_municipality_ids
from search.taxonomy import fold, profile_categories
from search.text import highlight

_KIND_LABELS = dict(CollectiveKind.choices)


def searchable_collectives() -> QuerySet[Collective]:
    """Collectives anyone may find: at least one active member with an active account."""
    active = CollectiveMembership.objects.filter(
        collective=OuterRef("pk"), status=MembershipStatus.ACTIVE, member__is_active=True
    )
    return Collective.objects.filter(Exists(active)).select_related("municipality__mrc")


@dataclass
class CollectiveFacts:
    """What a collective's members bring: skills (slug, name) by name, count, reach, remote."""

    skills: list[tuple[str, str]]
    member_count: int
    reach_km: int
    remote: bool

    @property
    def skill_names(self) -> list[str]:
        return [name for _slug, name in self.skills]

    @property
    def skill_slugs(self) -> list[str]:
        return [slug for slug, _name in self.skills]


def collective_facts(collective_ids) -> dict[int, CollectiveFacts]:
    """Per collective id, its members' facts, in two queries whatever the number of collectives.

    The skills are the union collectives.selectors.collective_skills gives, for many collectives at once.
    """
    ids = sorted(set(collective_ids))
    facts = {pk: CollectiveFacts(skills=[], member_count=0, reach_km=0, remote=False) for pk in ids}
    members = CollectiveMembership.objects.filter(collective_id__in=ids, status=MembershipStatus.ACTIVE).values_list(
        "collective_id", "member__freelancer_profile__travel_radius_km", "member__freelancer_profile__remote"
    )
    for collective_id, radius, remote in members:
        fact = facts[collective_id]
        fact.member_count += 1
        fact.reach_km = max(fact.reach_km, radius or 0)
        fact.remote = fact.remote or bool(remote)
    through = FreelancerProfile.skills.through.objects.filter(
        freelancerprofile__user__collective_memberships__collective_id__in=ids,
        freelancerprofile__user__collective_memberships__status=MembershipStatus.ACTIVE,
    )
    rows = through.values_list(
        "freelancerprofile__user__collective_memberships__collective_id", "skill__slug", "skill__name"
    ).distinct()
    for collective_id, slug, name in sorted(rows, key=lambda row: (row[0], row[2], row[1])):
        facts[collective_id].skills.append((slug, name))
    return facts


def _place(municipality) -> str:
    if municipality is None:
        return ""
    return f"{municipality.name} {municipality.get_region_display()}"


def collective_document(collective: Collective, facts: CollectiveFacts, places=None) -> dict:
    """The indexed form of a searchable collective (search/documents.py CollectiveDocument)."""
    municipality = collective.municipality
    mrc = municipality.mrc if municipality is not None else None
    kind_label = str(_KIND_LABELS.get(collective.kind, collective.kind))
    return {
        "object_id": collective.pk,
        "slug": collective.slug,
        "display_name": collective.name,
        "headline": kind_label,
        "bio": collective.description,
        "skills": facts.skill_names,
        "skill_slugs": facts.skill_slugs,
        "place": _place(municipality),
        "categories": profile_categories(headline=kind_label, skill_names=facts.skill_names),
        "region": municipality.region if municipality else None,
        "mrc": mrc.slug if mrc else None,
        "mrc_name": mrc.name if mrc else None,
        "municipality_id": municipality.pk if municipality else None,
        "location": {"lat": municipality.latitude, "lon": municipality.longitude} if municipality else None,
        "travel_radius_km": facts.reach_km,
        "reaches_municipality_ids": [
            str(pk)
            for pk in reached_municipality_ids(
                latitude=municipality.latitude,
                longitude=municipality.longitude,
                radius_km=facts.reach_km,
                places=places,
            )
        ]
        if municipality is not None
        else [],
        "remote": facts.remote,
        "member_count": facts.member_count,
        "rating_count": 0,
        "updated_at": collective.updated_at.isoformat(),
        "card": card_of(collective, facts),
    }


def card_of(collective: Collective, facts: CollectiveFacts) -> dict:
    return collective_card(
        collective,
        skills=facts.skill_names,
        member_count=facts.member_count,
        reach_km=facts.reach_km,
        remote=facts.remote,
    )


def collective_documents(ids: list[int], places=None) -> dict[int, dict]:
    """The documents of the searchable collectives among `ids` (the others are to be deleted)."""
    collectives = list(searchable_collectives().filter(pk__in=ids))
    facts = collective_facts([c.pk for c in collectives])
    return {c.pk: collective_document(c, facts[c.pk], places) for c in collectives}


def collective_ids_of_profile(*, profile_id: int) -> list[int]:
    """The collectives a freelancer is an active member of (their skills or radius change the collective's)."""
    return list(
        CollectiveMembership.objects.filter(
            member__freelancer_profile__id=profile_id, status=MembershipStatus.ACTIVE
        ).values_list("collective_id", flat=True)
    )


# --- The database backend ---------------------------------------------------------------------------

# What a word found in each part weighs, as the profiles' full-text weights (search/fulltext.py).
_WEIGHTS = {"name": 2.0, "kind": 3.0, "skills": 3.0, "description": 1.0, "place": 1.0}
_MIN_PREFIX_CHARS = 3


def _tokens(text: str) -> set[str]:
    return set(fold(text).replace("'", " ").replace("’", " ").split())


def _words_score(texts: dict[str, str], words: list[str]) -> float | None:
    """None unless every word is a word of the text (the last one may start a word); else the weight found."""
    tokens = {part: _tokens(text) for part, text in texts.items()}
    every = set().union(*tokens.values())
    keys = [fold(word) for word in words]
    score = 0.0
    for index, key in enumerate(keys):
        prefix = index == len(keys) - 1 and len(key) >= _MIN_PREFIX_CHARS

        def found(pool, key=key, prefix=prefix):
            return key in pool or (prefix and any(token.startswith(key) for token in pool))

        if not found(every):
            return None
        score += sum(weight for part, weight in _WEIGHTS.items() if found(tokens[part]))
    return score


def database_rows(params, *, words: list[str]) -> list[dict]:
    """Rows of the collectives a freelancer search finds, shaped as the database backend's profile rows.

    Collectives are few (one per cooperative or agency): filtered in Python after one query each for
    the collectives, their members and their skills.
    """
    collectives = searchable_collectives()
    if params.region:
        collectives = collectives.filter(municipality__region=params.region)
    if params.mrc:
        collectives = collectives.filter(municipality__mrc__slug=params.mrc)
    collectives = list(collectives)
    facts = collective_facts([c.pk for c in collectives])
    asked = {*params.skills, *params.unknown_skills}
    rows = []
    for collective in collectives:
        fact = facts[collective.pk]
        municipality = collective.municipality
        kind_label = str(_KIND_LABELS.get(collective.kind, collective.kind))
        if asked and not asked <= set(fact.skill_slugs):
            continue
        categories = profile_categories(headline=kind_label, skill_names=fact.skill_names)
        if params.category and params.category not in categories:
            continue
        distance = None
        if params.near is not None:
            if municipality is None:
                continue
            distance = haversine_km(
                params.near.latitude, params.near.longitude, municipality.latitude, municipality.longitude
            )
            if distance > max(params.radius_km, fact.reach_km):
                continue
        score = 0.0
        if words:
            found = _words_score(
                {
                    "name": collective.name,
                    "kind": kind_label,
                    "skills": " ".join(fact.skill_names),
                    "description": collective.description,
                    "place": _place(municipality),
                },
                words,
            )
            if found is None:
                continue
            score = found
        rows.append(
            {
                "pk": collective.pk,
                "kind": "collective",
                "collective": collective,
                "facts": fact,
                "display_name": collective.name,
                "skill_slugs": fact.skill_slugs,
                "categories": categories,
                "languages": [],
                "availability": "",
                "hourly_rate": None,
                "rating_average": None,
                "rating_count": 0,
                "distance": distance,
                "score": score,
                "municipality__region": municipality.region if municipality else None,
                "municipality__mrc__slug": municipality.mrc.slug if municipality and municipality.mrc else None,
            }
        )
    return rows


def collective_hit(row: dict, words: list[str]) -> Hit:
    """A database row of `database_rows` as a hit with its card, and its description highlighted."""
    collective = row["collective"]
    hit = Hit(id=collective.pk, score=float(row["score"]), card=card_of(collective, row["facts"]), kind="collective")
    if words:
        marked = highlight(collective.description, words, max_chars=160)
        if "<mark>" in marked:
            hit.highlights["bio"] = [marked]
    return hit


# --- Matching of new projects -----------------------------------------------------------------------


def collectives_fitting(project) -> list[tuple[Collective, CollectiveFacts]]:
    """The searchable collectives a public project fits: work, then place, by this module's rules.

    The database rule on both backends: collectives are few, and their skills follow their members'.
    """
    project_skill_ids = {skill.pk for skill in project.skills.all()}
    project_slugs = {skill.slug for skill in project.skills.all()}
    # Nobody hears about their own project through their collective.
    owners = CollectiveMembership.objects.filter(member_id=project.owner_id, status=MembershipStatus.ACTIVE)
    collectives = searchable_collectives().exclude(pk__in=owners.values("collective_id"))
    collectives = list(collectives)
    facts = collective_facts([c.pk for c in collectives])
    here = project.municipality
    fitting = []
    for collective in collectives:
        fact = facts[collective.pk]
        if project_skill_ids:
            if not project_slugs & set(fact.skill_slugs):
                continue
        else:
            kind_label = str(_KIND_LABELS.get(collective.kind, collective.kind))
            if project.category not in profile_categories(headline=kind_label, skill_names=fact.skill_names):
                continue
        there = collective.municipality
        near = False
        if here is not None and there is not None:
            near = here.pk == there.pk or (
                haversine_km(here.latitude, here.longitude, there.latitude, there.longitude) <= fact.reach_km
            )
        if near or (project.remote and fact.remote):
            fitting.append((collective, fact))
    return fitting


def collective_admins(collective_ids) -> dict[int, list]:
    """Per collective, its active admins (Users with their freelancer profile selected)."""
    admins: dict[int, list] = {}
    memberships = CollectiveMembership.objects.filter(
        collective_id__in=list(collective_ids),
        status=MembershipStatus.ACTIVE,
        role=MemberRole.ADMIN,
        member__is_active=True,
    ).select_related("member__freelancer_profile")
    for membership in memberships.order_by("collective_id", "pk"):
        admins.setdefault(membership.collective_id, []).append(membership.member)
    return admins
