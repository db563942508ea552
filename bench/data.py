"""Realistic marketplace data at scale for the benchmarks and the load test, seeded once per database.

`seed(database_url, profiles=20_000, projects=100_000, quotes=300_000, seed=42)` creates, with bulk
inserts (no service calls, no notifications, no search indexing):

- `profiles` freelancer accounts (pigiste<i>@bench.exemple.qc.ca) with a profile each: a specialty from
  the demo's list (headline in the person's gender, its skills, an hourly rate in its range), a place
  drawn from the real municipality list (profiles/data/quebec_municipalities.csv) weighted by
  population, languages, availability, travel radius; about 55 % have 1 to 8 portfolio items (text
  only: no image files); their rating and completed-projects counts are computed from the reviews.
- `profiles // 4` client accounts (client<i>@bench.exemple.qc.ca), placed the same way; how many
  projects each owns follows a long tail (a few clients post a lot).
- Every account has a confirmed e-mail (allauth) and the password `PASSWORD`.
- `projects` projects from the demo's project list (title, category, skills, description) in every
  status: open 40 % (quotes due in the coming 30 days), awarded 14 %, completed 30 %, cancelled 4 %,
  closed 6 %, draft 4 %, awaiting_email 2 %; fixed, hourly or to-discuss budgets; 25 % remote.
- `quotes` quotes over the published projects (none on drafts), a long tail per project; one open
  "showcase" project has exactly 50. States as the product leaves them: on open projects pending,
  shortlisted, declined by the client (with a reason) or withdrawn; on awarded and completed projects
  one accepted (with its engagement, in progress or completed) and the others declined by the system
  ("awarded elsewhere") or withdrawn; on cancelled and closed projects declined by the system or
  withdrawn.
- Reviews on completed projects: the client reviews the freelancer on 85 % of them, the freelancer the
  client on 60 %, all published.

A table `bench_seed` holds a marker with the sizes and what `seed` returns: called again with the same
sizes it returns at once; with other sizes, or after an interrupted seeding, it empties the database
(only one whose name contains "bench") and seeds again.

    DATABASE_URL=postgres://…/bench_pages .venv/bin/python bench/data.py [--profiles 2000] [--json out.json]
    DATABASE_URL=postgres://…/any .venv/bin/python bench/data.py --database bench_pages   # a sibling database
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import random
import secrets
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench-pigiste-2026"  # noqa: S105 (a benchmark database's accounts; the load test logs in with it)
BATCH = 5_000
SAMPLE = 500  # how many ids of each kind SeededData lists
MARKER_TABLE = "bench_seed"
STATUS_SHARES = {
    "open": 40,
    "awarded": 14,
    "completed": 30,
    "cancelled": 4,
    "closed": 6,
    "draft": 4,
    "awaiting_email": 2,
}


@dataclasses.dataclass(frozen=True)
class Account:
    """A seeded member the load test can log in as (with `PASSWORD`)."""

    user_id: int
    email: str
    profile_id: int | None = None  # freelancers only
    # A client's open projects that have live quotes to compare and accept; empty for freelancers.
    open_project_ids: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class SeededData:
    """What `seed` made, with samples of ids (up to SAMPLE of each) for the benchmarks to draw from."""

    password: str
    clients: list[Account]  # clients with at least one open project with live quotes first
    freelancers: list[Account]
    project_ids: dict[str, list[int]]  # by status value ("open", "awarded", …)
    profile_ids: list[int]
    showcase_project_id: int  # open, exactly 50 quotes
    showcase_owner_id: int
    counts: dict[str, int]  # every row created, e.g. "projects.open", "quotes.pending", "reviews"
    params: dict[str, int]

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SeededData:
        data = json.loads(text)
        data["clients"] = [Account(**dict(a, open_project_ids=tuple(a["open_project_ids"]))) for a in data["clients"]]
        data["freelancers"] = [
            Account(**dict(a, open_project_ids=tuple(a["open_project_ids"]))) for a in data["freelancers"]
        ]
        return cls(**data)

    def describe(self) -> str:
        """One line saying what the database holds."""
        c = self.counts
        statuses = ", ".join(f"{s} {c.get('projects.' + s, 0)}" for s in STATUS_SHARES)
        quotes = ", ".join(f"{k.split('.')[1]} {v}" for k, v in sorted(c.items()) if k.startswith("quotes."))
        return (
            f"{c['profiles']} freelancer profiles ({c['portfolio_items']} portfolio items, {c['reviews']} reviews), "
            f"{c['clients']} clients, {c['projects']} projects ({statuses}), {c['quotes']} quotes ({quotes})"
        )


def seed(
    database_url: str, *, profiles: int = 20_000, projects: int = 100_000, quotes: int = 300_000, seed: int = 42
) -> SeededData:
    """Fill the database at `database_url` once with realistic data (see the module docstring); SeededData."""
    _django_setup(database_url)
    from django.core.management import call_command
    from django.db import connection

    params = {"profiles": profiles, "projects": projects, "quotes": quotes, "seed": seed}
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id int PRIMARY KEY, params text, data text)")
        cursor.execute(f"SELECT params, data FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row and json.loads(row[0]) == params:
        return SeededData.from_json(row[1])
    _empty_if_bench_database()
    started = time.monotonic()
    data = _Seeder(params).run()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (id, params, data) VALUES (1, %s, %s)", [json.dumps(params), data.to_json()]
        )
        cursor.execute("ANALYZE")
    print(f"seeded in {time.monotonic() - started:.0f} s: {data.describe()}", flush=True)
    return data


def _django_setup(database_url: str) -> None:
    """Set Django up on `database_url`, or check that the running setup already points at it."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
        # DEBUG off refuses the development key; a benchmark process has no secret to keep.
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
        django.setup()
        return
    from django.db import connection

    wanted = database_url.rstrip("/").rpartition("/")[2].split("?")[0]
    if connection.settings_dict["NAME"] != wanted:
        raise ValueError(f"Django is set up on {connection.settings_dict['NAME']!r}, not on {wanted!r}.")


def _empty_if_bench_database() -> None:
    """Start from an empty database: refused unless it is a benchmark's own (its name says "bench")."""
    from django.core.management import call_command
    from django.db import connection

    from profiles.models import User

    if not User.objects.exists():
        return
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"bench/data.py: {name!r} already holds members; seed a database whose name says bench.")
    print(f"emptying {name} to seed it again…", flush=True)
    call_command("flush", interactive=False, verbosity=0)


def _long_tail(n: int, exponent: float) -> list[float]:
    """Long-tail weights for n items (a few get much more than the rest)."""
    return [1 / (rank + 1) ** exponent for rank in range(n)]


class _Seeder:
    def __init__(self, params: dict[str, int]):
        self.p = params
        self.rng = random.Random(params["seed"])
        self.counts: Counter[str] = Counter()

    def run(self) -> SeededData:
        from django.core.management import call_command

        from profiles.models import Municipality

        if not Municipality.objects.exists():
            call_command("load_municipalities", verbosity=0)
        places = list(Municipality.objects.filter(population__gt=0).values_list("id", "population"))
        self.place_ids = [p for p, _ in places]
        self.place_cum = list(_cumulative([pop for _, pop in places]))
        self._skills()
        self._users()
        self._profiles()
        self._projects()
        self._quotes()
        self._reviews()
        return self._result()

    def places(self, k: int) -> list[int]:
        return self.rng.choices(self.place_ids, cum_weights=self.place_cum, k=k)

    def _skills(self) -> None:
        from marketplace.management.commands.seed_demo import PROJECTS, SPECIALTIES
        from profiles.models import Skill, skill_key

        names = {n for s in SPECIALTIES for n in s[2]} | {n for p in PROJECTS for n in p[2]}
        existing = set(Skill.objects.values_list("slug", flat=True))
        Skill.objects.bulk_create(
            [Skill(name=n, slug=skill_key(n)) for n in sorted(names) if skill_key(n) not in existing]
        )
        self.skill_ids = dict(Skill.objects.values_list("name", "id"))

    def _users(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from marketplace.management.commands.seed_demo import FIRST_NAMES, LAST_NAMES
        from profiles.models import User

        print("seeding members…", flush=True)
        password = make_password(PASSWORD)  # hashed once: one hash for every account
        n_clients = max(self.p["profiles"] // 4, 10)
        self.genders = {}
        rows = []
        for kind, count in (("pigiste", self.p["profiles"]), ("client", n_clients)):
            for i in range(count):
                first, gender = self.rng.choice(FIRST_NAMES)
                rows.append(
                    User(
                        email=f"{kind}{i}@bench.exemple.qc.ca",
                        name=f"{first} {self.rng.choice(LAST_NAMES)}",
                        password=password,
                    )
                )
                self.genders[rows[-1].email] = gender
        made = User.objects.bulk_create(rows, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in made], batch_size=BATCH
        )
        self.freelancer_users = made[: self.p["profiles"]]
        self.client_ids = [u.pk for u in made[self.p["profiles"] :]]
        self.client_emails = {u.pk: u.email for u in made[self.p["profiles"] :]}
        self.counts["clients"] = len(self.client_ids)

    def _profiles(self) -> None:
        from marketplace.management.commands.seed_demo import BIOS, PROJECTS, SPECIALTIES, headline_for
        from profiles.models import FreelancerProfile, PortfolioItem

        print("seeding profiles and portfolios…", flush=True)
        today = datetime.date.today()
        rng = self.rng
        places = self.places(len(self.freelancer_users))
        self.specialty_of: dict[int, int] = {}
        made = []
        for start in range(0, len(self.freelancer_users), BATCH):
            rows = []
            for i, user in enumerate(self.freelancer_users[start : start + BATCH], start):
                spec = self.specialty_of[user.pk] = rng.randrange(len(SPECIALTIES))
                gender = self.genders[user.email]
                availability = rng.choices(["now", "from_date", "unavailable"], weights=[70, 20, 10])[0]
                autonome = "Travailleuse autonome" if gender == "f" else "Travailleur autonome"
                rows.append(
                    FreelancerProfile(
                        user_id=user.pk,
                        display_name=user.name,
                        headline=headline_for(SPECIALTIES[spec], gender),
                        bio=rng.choice(BIOS).format(autonome=autonome, years=rng.randint(2, 25)),
                        hourly_rate=Decimal(rng.randint(*SPECIALTIES[spec][3])) if rng.random() < 0.9 else None,
                        languages=rng.choices([["fr"], ["fr", "en"], ["en", "fr"], ["fr", "es"]], [50, 38, 8, 4])[0],
                        availability=availability,
                        available_from=today + datetime.timedelta(days=rng.randint(7, 90))
                        if availability == "from_date"
                        else None,
                        remote=rng.random() < 0.7,
                        municipality_id=places[i],
                        travel_radius_km=rng.choice([0, 10, 25, 50, 100, 200]),
                        in_peer_directory=rng.random() < 0.3,
                    )
                )
            batch = FreelancerProfile.objects.bulk_create(rows)
            made.extend(batch)
        self.profile_by_user = {p.user_id: p.pk for p in made}
        through = FreelancerProfile.skills.through
        links, items = [], []
        titles_by_category: dict[str, list[str]] = {}
        for title, category, _skills, description in PROJECTS:
            titles_by_category.setdefault(category, []).append((title, description))
        for profile, user in zip(made, self.freelancer_users, strict=True):
            spec = SPECIALTIES[self.specialty_of[user.pk]]
            for name in spec[2]:
                links.append(through(freelancerprofile_id=profile.pk, skill_id=self.skill_ids[name]))
            # About 45 % show no work; the others 1 to 8 pieces, fewer more often.
            count = 0 if rng.random() < 0.45 else min(8, 1 + int(rng.expovariate(0.5)))
            examples = titles_by_category.get(spec[4]) or [(p[0], p[3]) for p in PROJECTS]
            for position in range(count):
                title, description = rng.choice(examples)
                items.append(
                    PortfolioItem(profile_id=profile.pk, title=title[:120], description=description, position=position)
                )
        through.objects.bulk_create(links, batch_size=BATCH)
        PortfolioItem.objects.bulk_create(items, batch_size=BATCH)
        self.counts["profiles"] = len(made)
        self.counts["portfolio_items"] = len(items)

    def _projects(self) -> None:
        from django.utils import timezone

        from marketplace.management.commands.seed_demo import PROJECTS
        from profiles.models import Municipality
        from projects.models import Project

        print("seeding projects…", flush=True)
        rng = self.rng
        now = timezone.now()
        today = timezone.localdate()
        names = dict(Municipality.objects.values_list("id", "name"))
        owners = rng.choices(self.client_ids, weights=_long_tail(len(self.client_ids), 0.8), k=self.p["projects"])
        statuses = rng.choices(list(STATUS_SHARES), weights=list(STATUS_SHARES.values()), k=self.p["projects"])
        statuses[0] = "open"  # the showcase
        places = self.places(self.p["projects"])
        # (id, status, owner, budget floor, completed_at) of every project, in insertion order.
        self.projects: list[tuple[int, str, int, Decimal, datetime.datetime | None]] = []
        through = Project.skills.through
        for start in range(0, self.p["projects"], BATCH):
            rows = []
            for i in range(start, min(start + BATCH, self.p["projects"])):
                title, category, skills, description = PROJECTS[rng.randrange(len(PROJECTS))]
                status = statuses[i]
                # Open projects were published this month; the others over the last two years.
                age = datetime.timedelta(minutes=rng.randint(0, 60 * 24 * (30 if status == "open" else 700)))
                published = None if status in ("draft", "awaiting_email") else now - age
                low = Decimal(rng.choice([200, 500, 800, 1500, 3000, 5000]))
                budget_type = rng.choices(["fixed", "hourly", "to_discuss"], weights=[60, 15, 25])[0]
                project = Project(
                    owner_id=owners[i],
                    title=f"{title} — {names[places[i]]}"[:120],
                    description=description,
                    category=category,
                    budget_type=budget_type,
                    budget_min=low if budget_type == "fixed" else None,
                    budget_max=low * rng.choice([2, 3, 4]) if budget_type == "fixed" else None,
                    municipality_id=places[i],
                    remote=rng.random() < 0.25,
                    quotes_due=today + datetime.timedelta(days=rng.randint(1, 30))
                    if status in ("open", "draft", "awaiting_email")
                    else (published or now).date() + datetime.timedelta(days=rng.randint(7, 30)),
                    status=status,
                    published_at=published,
                    awarded_at=published + datetime.timedelta(days=rng.randint(3, 30))
                    if status in ("awarded", "completed")
                    else None,
                    completed_at=published + datetime.timedelta(days=rng.randint(31, 90))
                    if status == "completed"
                    else None,
                    closed_at=published + datetime.timedelta(days=rng.randint(7, 40))
                    if status in ("cancelled", "closed")
                    else None,
                )
                project._skills = skills
                rows.append(project)
            made = Project.objects.bulk_create(rows)
            through.objects.bulk_create(
                [through(project_id=p.pk, skill_id=self.skill_ids[name]) for p in made for name in p._skills]
            )
            for p in made:
                self.projects.append((p.pk, p.status, p.owner_id, p.budget_min or Decimal(500), p.completed_at))
                self.counts[f"projects.{p.status}"] += 1
        self.counts["projects"] = len(self.projects)
        self.project_of = {p[0]: p for p in self.projects}

    def _quotes(self) -> None:
        from django.utils import timezone

        from engagements.models import Engagement
        from projects.models import Quote

        print("seeding quotes…", flush=True)
        rng = self.rng
        now = timezone.now()
        freelancers = [u.pk for u in self.freelancer_users]
        activity = _cumulative([rng.lognormvariate(0, 1) for _ in freelancers])
        showcase = self.projects[0]
        eligible = [p for p in self.projects[1:] if p[1] not in ("draft", "awaiting_email")]
        decided = [i for i, p in enumerate(eligible) if p[1] in ("awarded", "completed")]
        per_project = Counter({i: 1 for i in decided})  # an awarded project has at least its accepted quote
        left = max(self.p["quotes"] - 50 - len(decided), 0)
        if eligible and left:
            weights = _cumulative([rng.lognormvariate(0, 0.9) for _ in eligible])
            per_project.update(rng.choices(range(len(eligible)), cum_weights=weights, k=left))
        cap = max(1, len(freelancers) // 2)  # distinct freelancers per project, drawn by activity
        plan = [(showcase, min(50, cap))] + [(eligible[i], min(n, cap)) for i, n in sorted(per_project.items())]
        self.accepted: list[tuple[int, int, int, datetime.datetime | None]] = []  # project, freelancer, client, done
        self.live_projects: dict[int, list[int]] = {}  # client → open projects with live quotes
        rows, engagements = [], []
        for (project_id, status, owner, low, _), count in plan:
            chosen: set[int] = set()
            while len(chosen) < count:
                chosen.add(rng.choices(freelancers, cum_weights=activity)[0])
            for n, freelancer in enumerate(sorted(chosen)):
                amount = (low * Decimal(rng.uniform(0.7, 2.5))).quantize(Decimal("1"))
                quote = Quote(
                    project_id=project_id,
                    freelancer_id=freelancer,
                    amount=amount,
                    delivery_days=rng.randint(3, 60),
                    charges_taxes=rng.random() < 0.7,
                    message="Bonjour, j'ai lu votre demande avec attention. Voici ma soumission : "
                    "les étapes, le calendrier et ce qui est compris. Au plaisir d'en discuter!",
                    **self._quote_state(status, first=n == 0, now=now),
                )
                rows.append(quote)
                self.counts[f"quotes.{quote.status}"] += 1
                if quote.status in ("pending", "shortlisted") and project_id != showcase[0]:
                    ids = self.live_projects.setdefault(owner, [])
                    if not ids or ids[-1] != project_id:
                        ids.append(project_id)
            if len(rows) >= BATCH:
                engagements += self._save_quotes(rows)
                rows = []
        if rows:
            engagements += self._save_quotes(rows)
        Engagement.objects.bulk_create(engagements, batch_size=BATCH)
        self.counts["quotes"] = sum(v for k, v in self.counts.items() if k.startswith("quotes."))
        self.counts["engagements"] = len(engagements)

    def _quote_state(self, status: str, *, first: bool, now) -> dict:
        """A quote's state as the product leaves it on a project in `status` (the first one is accepted)."""
        rng = self.rng
        if status == "open":
            state = rng.choices(["pending", "shortlisted", "declined", "withdrawn"], weights=[70, 15, 10, 5])[0]
            if state == "declined":
                reason = rng.choice(["Le budget proposé dépasse ce que nous pouvons investir.", "", ""])
                return {"status": state, "decline_reason": reason, "decided_at": now}
            return {"status": state, "decided_at": now if state == "withdrawn" else None}
        if status in ("awarded", "completed") and first:
            return {"status": "accepted", "decided_at": now}
        if rng.random() < 0.1:
            return {"status": "withdrawn", "decided_at": now}
        kind = {"awarded": "awarded_elsewhere", "completed": "awarded_elsewhere", "cancelled": "project_cancelled"}
        return {
            "status": "declined",
            "decline_reason_kind": kind.get(status, "project_closed"),
            "decline_reason_by_system": True,
            "decided_at": now,
        }

    def _save_quotes(self, rows) -> list:
        """Insert a batch of quotes; the engagements of the accepted ones, to insert after."""
        from engagements.models import Engagement
        from projects.models import Quote

        made = []
        for quote in Quote.objects.bulk_create(rows):
            if quote.status != "accepted":
                continue
            _, _, client, _, done = self.project_of[quote.project_id]
            self.accepted.append((quote.project_id, quote.freelancer_id, client, done))
            made.append(
                Engagement(
                    quote_id=quote.pk,
                    project_id=quote.project_id,
                    client_id=client,
                    freelancer_id=quote.freelancer_id,
                    amount=quote.amount,
                    pricing="fixed",
                    charges_taxes=quote.charges_taxes,
                    delivery_days=quote.delivery_days,
                    status="termine" if done else "en_cours",
                    completed_at=done,
                )
            )
        return made

    def _reviews(self) -> None:
        from django.db import connection

        from projects.models import Review

        print("seeding reviews…", flush=True)
        rng = self.rng
        comments = [
            "Travail impeccable, livré à temps. Je recommande sans hésiter.",
            "Très bonne communication du début à la fin.",
            "Bon résultat, quelques retards mais bien expliqués.",
            "",
        ]
        rows = []
        for project_id, freelancer, client, done in self.accepted:
            if done is None:
                continue
            if rng.random() < 0.85:
                rating = rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 4, 3])[0]
                rows.append(
                    Review(
                        project_id=project_id,
                        author_id=client,
                        subject_id=freelancer,
                        author_is_client=True,
                        rating=rating,
                        comment=rng.choice(comments),
                        published_at=done + datetime.timedelta(days=rng.randint(1, 14)),
                    )
                )
            if rng.random() < 0.6:
                rows.append(
                    Review(
                        project_id=project_id,
                        author_id=freelancer,
                        subject_id=client,
                        author_is_client=False,
                        rating=rng.choices([5, 4, 3, 2, 1], weights=[65, 22, 7, 3, 3])[0],
                        comment=rng.choice(comments),
                        paid_as_agreed=rng.choices(["yes", "late", "no"], weights=[88, 9, 3])[0],
                        published_at=done + datetime.timedelta(days=rng.randint(1, 14)),
                    )
                )
        Review.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["reviews"] = len(rows)
        # The denormalised figures the review and project services keep on the profile.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE profiles_freelancerprofile p SET rating_average = r.average, rating_count = r.n
                FROM (SELECT subject_id, ROUND(AVG(rating)::numeric, 2) AS average, COUNT(*) AS n
                      FROM projects_review WHERE author_is_client AND NOT is_hidden AND published_at IS NOT NULL
                      GROUP BY subject_id) r
                WHERE p.user_id = r.subject_id
                """
            )
            cursor.execute(
                """
                UPDATE profiles_freelancerprofile p SET completed_projects_count = e.n
                FROM (SELECT freelancer_id, COUNT(*) AS n FROM engagements_engagement
                      WHERE status = 'termine' GROUP BY freelancer_id) e
                WHERE p.user_id = e.freelancer_id
                """
            )

    def _result(self) -> SeededData:
        rng = random.Random(self.p["seed"] + 1)
        by_status: dict[str, list[int]] = {}
        for project_id, status, *_ in self.projects:
            by_status.setdefault(status, []).append(project_id)
        project_ids = {s: sorted(rng.sample(ids, min(SAMPLE, len(ids)))) for s, ids in by_status.items()}
        busy = [c for c in self.client_ids if self.live_projects.get(c)]
        idle = [c for c in self.client_ids if not self.live_projects.get(c)]
        clients = [
            Account(user_id=c, email=self.client_emails[c], open_project_ids=tuple(self.live_projects.get(c, ())[:20]))
            for c in (rng.sample(busy, min(SAMPLE, len(busy))) + idle)[:SAMPLE]
        ]
        freelancers = [
            Account(user_id=u.pk, email=u.email, profile_id=self.profile_by_user[u.pk])
            for u in rng.sample(self.freelancer_users, min(SAMPLE, len(self.freelancer_users)))
        ]
        profile_ids = sorted(rng.sample(list(self.profile_by_user.values()), min(SAMPLE, len(self.profile_by_user))))
        return SeededData(
            password=PASSWORD,
            clients=clients,
            freelancers=freelancers,
            project_ids=project_ids,
            profile_ids=profile_ids,
            showcase_project_id=self.projects[0][0],
            showcase_owner_id=self.projects[0][2],
            counts=dict(self.counts),
            params=dict(self.p),
        )


def _cumulative(weights):
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--quotes", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", help="Also write what was seeded (SeededData) to this file.")
    parser.add_argument("--database", help="Seed this database beside DATABASE_URL's (created) instead of it.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/data.py needs DATABASE_URL pointing at PostgreSQL.")
    if args.database:
        from bench._serve import bench_database

        url = bench_database(args.database, script="data.py")
    data = seed(url, profiles=args.profiles, projects=args.projects, quotes=args.quotes, seed=args.seed)
    print(data.describe())
    if args.json:
        Path(args.json).write_text(data.to_json())


if __name__ == "__main__":
    main()
