"""Measure the hot pages through the ASGI server against a large PostgreSQL database.

Seeds 20 000 profiles, 100 000 projects and 300 000 quotes (once; reused on the next
run), serves the project under uvicorn, then times the project list, a project page
with 50 quotes (as its owner), a freelancer profile and the client dashboard next to a
trivial view (the about page: a template, the session, no query of ours) in the same run. The ratio p95(page) / p95(trivial) is the figure.

    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py [--requests 300]
"""

import argparse
import datetime
import http.client
import os
import random
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks run with DEBUG off, where the settings refuse the development key; their servers inherit this one.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench._serve import asgi_server, bench_database, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

PROFILES = 20_000
PROJECTS = 100_000
QUOTES = 300_000
BATCH = 5_000


def seed() -> dict:
    """Fill the database once; return the ids the measurements use."""
    from django.core.management import call_command
    from django.utils import timezone

    from profiles.models import FreelancerProfile, Municipality, Skill, User
    from projects.models import Category, Project, ProjectStatus, Quote, QuoteStatus

    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        call_command("load_municipalities", verbosity=0)
    municipality_ids = list(Municipality.objects.values_list("id", flat=True))
    rng = random.Random(42)
    now = timezone.now()
    today = timezone.localdate()

    if User.objects.count() < PROFILES + 1000:
        print("seeding users and profiles…", flush=True)
        skills = [
            Skill.objects.get_or_create(slug=f"skill-{i}", defaults={"name": f"Compétence {i}"})[0] for i in range(200)
        ]
        password = User.objects.make_random_password() if hasattr(User.objects, "make_random_password") else "x"
        users = [
            User(email=f"bench{i}@exemple.qc.ca", name=f"Membre {i}", password=password) for i in range(PROFILES + 1000)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(User.objects.filter(email__startswith="bench").order_by("id"))
        profiles = [
            FreelancerProfile(
                user=user,
                display_name=f"Pigiste {i}",
                headline="Graphiste et développeuse web",
                bio="Pigiste d'expérience au service des PME du Québec. " * 5,
                hourly_rate=Decimal(rng.randint(35, 140)),
                languages=["fr", "en"],
                municipality_id=rng.choice(municipality_ids),
                travel_radius_km=rng.choice([0, 25, 50, 100]),
                rating_average=Decimal("4.50"),
                rating_count=rng.randint(0, 30),
            )
            for i, user in enumerate(users[:PROFILES])
        ]
        FreelancerProfile.objects.bulk_create(profiles, batch_size=BATCH)
        through = FreelancerProfile.skills.through
        links = []
        for profile_id in FreelancerProfile.objects.values_list("id", flat=True):
            for skill in rng.sample(skills, 3):
                links.append(through(freelancerprofile_id=profile_id, skill_id=skill.id))
        through.objects.bulk_create(links, batch_size=BATCH)

    if Project.objects.count() < PROJECTS:
        print("seeding projects…", flush=True)
        clients = list(
            User.objects.filter(email__startswith="bench").order_by("-id").values_list("id", flat=True)[:1000]
        )
        categories = [c.value for c in Category]
        statuses = [ProjectStatus.OPEN] * 6 + [ProjectStatus.AWARDED, ProjectStatus.COMPLETED, ProjectStatus.CLOSED]
        for start in range(0, PROJECTS, BATCH):
            Project.objects.bulk_create(
                [
                    Project(
                        owner_id=rng.choice(clients),
                        title=f"Projet {start + i} : site web et logo",
                        description="Nous cherchons un pigiste de la région. " * 10,
                        category=rng.choice(categories),
                        budget_type="fixed",
                        budget_min=Decimal(1000),
                        budget_max=Decimal(5000),
                        municipality_id=rng.choice(municipality_ids),
                        quotes_due=today + datetime.timedelta(days=rng.randint(1, 30)),
                        status=rng.choice(statuses),
                        published_at=now - datetime.timedelta(minutes=start + i),
                    )
                    for i in range(BATCH)
                ]
            )

    if Quote.objects.count() < QUOTES:
        print("seeding quotes…", flush=True)
        freelancer_ids = list(FreelancerProfile.objects.values_list("user_id", flat=True))
        project_ids = list(Project.objects.values_list("id", flat=True))
        # One showcase project with exactly 50 quotes; the rest spread over the others.
        showcase = project_ids[0]
        pairs = {(showcase, f) for f in freelancer_ids[:50]}
        while len(pairs) < QUOTES:
            project_id = rng.choice(project_ids[1:])
            pairs.add((project_id, rng.choice(freelancer_ids)))
        pairs = list(pairs)
        for start in range(0, len(pairs), BATCH):
            Quote.objects.bulk_create(
                [
                    Quote(
                        project_id=project_id,
                        freelancer_id=freelancer_id,
                        amount=Decimal(rng.randint(500, 9000)),
                        delivery_days=rng.randint(3, 60),
                        message="Bonjour, voici ma soumission détaillée. " * 5,
                        status=QuoteStatus.PENDING,
                    )
                    for project_id, freelancer_id in pairs[start : start + BATCH]
                ]
            )
        Project.objects.filter(pk=showcase).update(status=ProjectStatus.OPEN)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    showcase = Project.objects.order_by("id").first()
    profile = FreelancerProfile.objects.order_by("id").first()
    return {"project_id": showcase.pk, "owner_id": showcase.owner_id, "profile_id": profile.pk}


def _session_cookie(user_id: int) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from profiles.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def measure(port: int, path: str, cookie: str, requests: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    for i in range(requests + 10):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if i >= 10:  # warm-up
            timings.append(elapsed)
    conn.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    url = bench_database("bench_pages", script="pages.py")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    import django

    django.setup()
    from django.urls import reverse

    ids = seed()
    cookie = _session_cookie(ids["owner_id"])
    pages = {
        "trivial view (/a-propos/)": reverse("about"),
        "project list": reverse("project-list"),
        "project page, 50 quotes": reverse("project-detail", args=[ids["project_id"]]),
        "freelancer profile": reverse("freelancer-detail", args=[ids["profile_id"]]),
        "client dashboard": reverse("dashboard"),
    }

    with asgi_server() as port:
        results = {name: measure(port, path, cookie, args.requests) for name, path in pages.items()}

    trivial_p95 = percentile(results["trivial view (/a-propos/)"], 95)
    print(f"\n{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'p95 ratio':>10}")
    for name, timings in results.items():
        p50, p95 = percentile(timings, 50), percentile(timings, 95)
        print(f"{name:28} {p50:8.2f} {p95:8.2f} {p95 / trivial_p95:10.2f}")


if __name__ == "__main__":
    main()
