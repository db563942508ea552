"""Matching benchmark: one new project against 100 000 stored profiles' and saved searches' queries.

Seeds a PostgreSQL database (`bench_matching`, reused by later runs) with freelancer profiles spread
over Quebec's municipalities and as many saved searches, stores every one of their queries in the
percolator index with bulk requests (`indexing.rebuild_matching`, the same code as `search_index
rebuild`), then matches new projects against them: the percolate search (`indexing.percolate_project_wishes`,
one call) N times, and, in the same run, the baseline it replaces: the saved searches checked one by one
on the database backend (search.services before the percolator). The baseline runs on a random sample
of the saved searches and is extrapolated to all of them (said in the output). Reports p50/p95 and
the ratio.

    DATABASE_URL=postgres://… ELASTICSEARCH_URL=http://127.0.0.1:9200 \\
        .venv/bin/python bench/matching.py [--profiles 100000] [--saved-searches 100000] [--runs 50] [--sample 200]
"""

import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench._serve import bench_database, percentile  # noqa: E402
from bench.search import HEADLINES, SKILLS  # noqa: E402
from bench.summary import Summary, print_summary  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

BATCH = 5_000
WORDS = ["logo", "site web", "photographie", "comptabilité", "traduction", "érablière", "mariage", "vidéo", ""]


def seed(profiles: int, saved_searches: int) -> None:
    from django.core.management import call_command

    from profiles.models import FreelancerProfile, Municipality, Skill, User, skill_key
    from projects.models import Category
    from search.models import SavedSearch

    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        call_command("load_municipalities", verbosity=0)
    places = list(Municipality.objects.values_list("id", flat=True))
    rng = random.Random(42)
    skills = [Skill.objects.get_or_create(slug=skill_key(n), defaults={"name": n})[0] for n in SKILLS]
    have = FreelancerProfile.objects.count()
    if have < profiles:
        print(f"seeding {profiles - have} profiles…", flush=True)
        for start in range(have, profiles, BATCH):
            stop = min(start + BATCH, profiles)
            users = User.objects.bulk_create(
                [
                    User(email=f"bench-match-{i}@exemple.qc.ca", name=f"Membre {i}", password="!")
                    for i in range(start, stop)
                ]
            )
            made = FreelancerProfile.objects.bulk_create(
                [
                    FreelancerProfile(
                        user=user,
                        display_name=f"Pigiste {start + i}",
                        headline=rng.choice(HEADLINES),
                        bio="Pigiste en région.",
                        hourly_rate=Decimal(rng.randint(30, 150)),
                        languages=["fr"],
                        municipality_id=rng.choice(places),
                        travel_radius_km=rng.choice([0, 10, 25, 50, 100]),
                        remote=rng.random() < 0.4,
                    )
                    for i, user in enumerate(users)
                ]
            )
            through = FreelancerProfile.skills.through
            through.objects.bulk_create(
                [through(freelancerprofile_id=p.pk, skill_id=s.pk) for p in made for s in rng.sample(skills, 3)]
            )
    have = SavedSearch.objects.count()
    if have < saved_searches:
        print(f"seeding {saved_searches - have} saved searches…", flush=True)
        user_ids = list(User.objects.order_by("id").values_list("id", flat=True))
        for start in range(have, saved_searches, BATCH):
            stop = min(start + BATCH, saved_searches)
            rows = []
            for i in range(start, stop):
                parts = [f"q={w}"] if (w := rng.choice(WORDS)) else []
                if rng.random() < 0.5:
                    parts.append(f"category={rng.choice(Category.values)}")
                if rng.random() < 0.5:
                    parts.append(f"near={rng.choice(places)}&radius_km={rng.choice([25, 50, 100])}")
                if rng.random() < 0.2:
                    parts.append("remote=1")
                # The unique (user, query) constraint: the row number keeps each query distinct.
                parts.append(f"budget_min={100 + i}")
                rows.append(
                    SavedSearch(user_id=user_ids[i % len(user_ids)], name=f"Recherche {i}", query="&".join(parts))
                )
            SavedSearch.objects.bulk_create(rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def new_project(rng: random.Random):
    """A freshly published project (saved once, kept: later runs match against the same ones)."""
    from django.utils import timezone

    from profiles.models import Municipality, Skill, User
    from projects.models import Category, Project, ProjectStatus

    places = list(Municipality.objects.filter(population__gte=1000).values_list("id", flat=True))
    project = Project.objects.create(
        owner=User.objects.order_by("id").first(),
        title="Photographie pour une érablière",
        description="Photos de la cabane à sucre et de nos produits pour notre site web.",
        category=Category.PHOTO_VIDEO,
        budget_type="fixed",
        budget_min=Decimal(800),
        budget_max=Decimal(3000),
        municipality_id=rng.choice(places),
        remote=rng.random() < 0.3,
        quotes_due=timezone.localdate() + datetime.timedelta(days=14),
        status=ProjectStatus.OPEN,
        published_at=timezone.now(),
    )
    project.skills.set(Skill.objects.filter(slug__in=["photographie", "montage-video"]))
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--saved-searches", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50, help="percolations of new projects")
    parser.add_argument("--sample", type=int, default=200, help="saved searches run one by one for the baseline")
    parser.add_argument("--skip-store", action="store_true", help="reuse the matching index of an earlier run")
    args = parser.parse_args()

    url = bench_database("bench_matching", script="matching.py", needs_elasticsearch=True)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.conf import settings

    settings.ELASTICSEARCH_INDEX_PREFIX = "bench_matching"
    from search import indexing
    from search.backends import db
    from search.models import SavedSearch
    from search.params import ProjectSearchParams
    from search.percolator import saved_search_params

    seed(args.profiles, args.saved_searches)
    indexing.ensure_indices()
    if not args.skip_store:
        counted = {}
        start = time.perf_counter()
        indexing.rebuild_matching(progress=lambda done, total: counted.update(total=total))
        elapsed = time.perf_counter() - start - indexing.OLD_INDEX_GRACE_SECONDS
        print(f"stored {counted['total']} queries in {elapsed:.1f} s: {counted['total'] / elapsed:.0f} queries/s")

    rng = random.Random(11)
    projects = [new_project(rng) for _ in range(5)]
    for project in projects:  # warm-up: the first percolation also loads the index's files
        indexing.percolate_project_wishes(project)

    timings, found = [], []
    for i in range(args.runs):
        project = projects[i % len(projects)]
        start = time.perf_counter()
        profiles, searches = indexing.percolate_project_wishes(project)
        timings.append((time.perf_counter() - start) * 1000)
        found.append((len(profiles), len(searches)))

    # The baseline: each saved search re-run on the database, restricted to the new project.
    total = SavedSearch.objects.count()
    sample_ids = random.Random(5).sample(
        list(SavedSearch.objects.values_list("pk", flat=True)), min(args.sample, total)
    )
    sample = list(SavedSearch.objects.filter(pk__in=sample_ids))
    one_by_one = []
    for i, saved_search in enumerate(sample):
        project = projects[i % len(projects)]
        start = time.perf_counter()
        params = saved_search_params(saved_search)
        if params is not None:
            params = ProjectSearchParams(**{**params.__dict__, "only_ids": (project.pk,), "page": 1, "page_size": 50})
            db.search_projects(params, user_id=saved_search.user_id, with_cards=False)
        one_by_one.append((time.perf_counter() - start) * 1000)
    per_search = statistics.mean(one_by_one)
    baseline_ms = per_search * total

    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    print(f"stored queries: {indexing.matching_indices()} ({args.profiles} profiles, {total} saved searches)")
    print(f"matches per project (profiles, saved searches): {sorted(set(found))}")
    print(f"percolate, one call per project ({args.runs} runs): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(
        f"baseline, saved searches one by one on the database: {per_search:.2f} ms each "
        f"(mean of a random sample of {len(sample)}), × {total} = {baseline_ms / 1000:.1f} s per project (extrapolated)"
    )
    print(f"ratio baseline / percolate p95: {baseline_ms / p95:.0f}×")
    # Here the baseline is the slow path the percolator replaced: the ratio is baseline / figure, the speed-up.
    print_summary(
        Summary(
            name="matching",
            figure=p95,
            baseline=baseline_ms,
            unit="ms",
            ratio=baseline_ms / p95,
            target="speed-up (one by one / percolate p95) > 1",
            met=p95 < baseline_ms,
        )
    )


if __name__ == "__main__":
    main()
