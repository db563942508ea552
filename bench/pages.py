"""Measure the hot pages through the ASGI server against a large, realistic PostgreSQL database.

Seeds the database `bench_pages` once with bench/data.py (20 000 profiles with reviews and portfolios,
100 000 projects in every status, 300 000 quotes in every state; reused on the next run), serves the
project under uvicorn (one process, rate limits on), then requests, in one random interleaved order
over one keep-alive connection: the about page as the trivial view (a template and the session, no
query of ours), the project list (random pages and categories), project pages as their owners (many
clients' open projects with live quotes), the 50-quote showcase project as its owner, project pages as
a visitor, freelancer profiles (many, with their reviews and portfolios) and client dashboards (many
clients). Every kind but the showcase and the about page draws another object or another client's
session (one per client) for each request.
The figure is the worst page's p95; the ratio is that over the trivial view's p95 in the same run.

    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py [--requests 300] [--profiles 20000 …]
"""

import argparse
import http.client
import os
import random
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks run with DEBUG off, where the settings refuse the development key; their servers inherit this one.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench import data  # noqa: E402
from bench._serve import asgi_server, bench_database, percentile  # noqa: E402
from bench.summary import Summary, print_summary  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

TRIVIAL = "trivial view (/a-propos/)"
TARGET_P95_MS = 60
TARGET_RATIO = 4
WARM_UP = 10  # requests of each kind, not counted


def _session_cookie(user_id: int) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from profiles.models import User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def plan(seeded: "data.SeededData", requests: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, path, cookie) for every request, each kind `requests` + WARM_UP times, shuffled together."""
    from django.urls import reverse

    from projects.models import Category

    owners = [c for c in seeded.clients if c.open_project_ids][:100] or seeded.clients[:1]
    cookies = {c.user_id: _session_cookie(c.user_id) for c in owners}
    cookies.setdefault(seeded.showcase_owner_id, _session_cookie(seeded.showcase_owner_id))
    visible = [p for s in ("open", "awarded", "completed") for p in seeded.project_ids.get(s, [])]
    any_cookie = list(cookies.values())

    def project_list():
        params = [f"page={rng.randint(1, 20)}"] if rng.random() < 0.5 else []
        if rng.random() < 0.3:
            params.append(f"category={rng.choice(Category.values)}")
        return reverse("project-list") + ("?" + "&".join(params) if params else ""), rng.choice(any_cookie)

    def owner_project():
        owner = rng.choice(owners)
        return reverse("project-detail", args=[rng.choice(owner.open_project_ids)]), cookies[owner.user_id]

    kinds = {
        TRIVIAL: lambda: (reverse("about"), rng.choice(any_cookie)),
        "project list": project_list,
        "project page (owner, live quotes)": owner_project,
        "project page, 50 quotes (owner)": lambda: (
            reverse("project-detail", args=[seeded.showcase_project_id]),
            cookies[seeded.showcase_owner_id],
        ),
        "project page (visitor)": lambda: (reverse("project-detail", args=[rng.choice(visible)]), ""),
        "freelancer profile": lambda: (reverse("freelancer-detail", args=[rng.choice(seeded.profile_ids)]), ""),
        "client dashboard": lambda: (reverse("dashboard"), cookies[rng.choice(owners).user_id]),
    }
    warm = [(kind, *make()) for _ in range(WARM_UP) for kind, make in kinds.items()]
    measured = [(kind, *make()) for _ in range(requests) for kind, make in kinds.items()]
    rng.shuffle(warm)
    rng.shuffle(measured)
    return [("warm-up", path, cookie) for _, path, cookie in warm] + measured


def measure(port: int, requests: list[tuple[str, str, str]]) -> dict[str, list[float]]:
    """Time each request in order over one keep-alive connection; timings by kind (warm-up left out)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings: dict[str, list[float]] = {}
    for kind, path, cookie in requests:
        headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if kind != "warm-up":
            timings.setdefault(kind, []).append(elapsed)
    conn.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="Measured requests of each kind.")
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--quotes", type=int, default=300_000)
    parser.add_argument("--database", default="bench_pages", help="The benchmark's own database (created).")
    args = parser.parse_args()

    url = bench_database(args.database, script="pages.py")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    seeded = data.seed(url, profiles=args.profiles, projects=args.projects, quotes=args.quotes)
    print(f"data: {seeded.describe()}", flush=True)
    requests = plan(seeded, args.requests, random.Random(7))

    with asgi_server() as port:
        results = measure(port, requests)

    trivial_p95 = percentile(results[TRIVIAL], 95)
    print(f"\n{len(requests)} requests in random order\n{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'p95 ratio':>10}")
    for name, timings in results.items():
        p50, p95 = percentile(timings, 50), percentile(timings, 95)
        print(f"{name:36} {p50:8.2f} {p95:8.2f} {p95 / trivial_p95:10.2f}")
    worst_name, worst = max(
        ((name, percentile(t, 95)) for name, t in results.items() if name != TRIVIAL), key=lambda item: item[1]
    )
    ratio = worst / trivial_p95
    print(f"slowest page at p95: {worst_name}")
    print_summary(
        Summary(
            name="pages",
            figure=worst,
            baseline=trivial_p95,
            unit="ms",
            ratio=ratio,
            target=f"worst page p95 < {TARGET_P95_MS} ms and ratio <= {TARGET_RATIO}",
            met=worst < TARGET_P95_MS and ratio <= TARGET_RATIO,
        )
    )


if __name__ == "__main__":
    main()
