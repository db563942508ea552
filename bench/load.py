"""Mixed traffic under Locust against the production way of serving the site (issue 15, part 2).

Seeds its own PostgreSQL database at the pages benchmark's scale with bench/data.py (profiles with
reviews and portfolios, projects with quotes in every state), fills the search index with the product's
own rebuild, then serves the site as docker-compose.yml does: gunicorn with two
`MarketplaceUvicornWorker` workers, beside the search outbox drain and the task worker, on the
PostgreSQL, Redis and Elasticsearch the environment names. Locust (one process, headless) then plays
visitors, clients and freelancers (bench/locustfile.py: who does what, in which proportions), each
pausing 3 to 10 s between actions. The statistics are reset once every user has spawned and a warm-up
has passed (signing in through the log-in form hashes a password: that happens during the ramp and is
reported apart), so the figures are the steady state over `--duration`.

Reports per endpoint p50/p95/p99 and errors, the about page (the trivial view, in the same run) as the
baseline, Locust's and the server's CPU, and one summary line: the worst p95 of the pages and API calls
against the trivial view's. Target on 2 cores: zero errors, p95 < 150 ms, ratio <= 4. `--step` runs 50,
100, 200 and 400 users one after the other and reports the throughput at which p95 first passes 150 ms.

    DATABASE_URL=postgres://… REDIS_URL=redis://… ELASTICSEARCH_URL=http://… \\
        .venv/bin/python bench/load.py [--users 200] [--duration 180] [--step]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import io
import json
import logging
import os
import random
import resource
import secrets
import signal
import subprocess
import sys
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks run with DEBUG off, where the settings refuse the development key; their servers inherit this one.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench._serve import bench_database, free_port  # noqa: E402
from bench.summary import Summary, print_summary  # noqa: E402

TARGET_MS = 150.0
TARGET_RATIO = 4.0
STEPS = (50, 100, 200, 400)
QUERIES = 1_000
TRIVIAL = "/a-propos/ [trivial view]"
LOGIN = "/comptes/login/ [sign in]"
CHAT_LINES = [
    "Bonjour! Avez-vous eu le temps de regarder ma soumission?",
    "Je peux passer vous voir jeudi pour en discuter.",
    "Parfait, je vous envoie les maquettes d'ici vendredi.",
    "Est-ce que le budget comprend l'impression des affiches?",
    "Merci pour votre réponse rapide, c'est noté.",
    "Je suis disponible dès lundi prochain.",
]


# --- Search queries ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def misspell(word: str, rng: random.Random) -> str:
    """A typing mistake people make: accents left out, a letter dropped, doubled or swapped, 'ph' as 'f'."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    kind = rng.choice(["accents", "drop", "double", "swap", "phonetic"])
    if kind == "accents" and _fold(word) != word:
        return _fold(word)
    if kind == "phonetic" and "ph" in word:
        return word.replace("ph", "f", 1)
    if len(letters) < 4:
        return word + word[-1]
    i = rng.choice(letters[1:-1])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap" and word[i + 1].isalpha() and word[i + 1] != word[i]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def french_queries(
    *, skills: list[str], trades: list[str], places: list[tuple[int, str, int]], n: int = QUERIES, seed: int = 42
) -> list[dict]:
    """`n` distinct searches built from the product's skills and trade words, Quebec places and misspellings.

    Places are drawn by population (people search near where they live); a search is a trade or skill
    alone, misspelled, with a place in the text ("graphiste rimouski"), with a place as the `near` filter
    (50 km), or a place alone. Deterministic for a given seed and data.
    """
    rng = random.Random(seed)
    words = sorted({w.lower() for w in skills} | {w.lower() for w in trades})
    place_ids = [p[0] for p in places]
    weights = [max(p[2], 1) ** 0.5 for p in places]
    names = {p[0]: p[1] for p in places}
    seen: set[str] = set()  # every text once (a trade near two places would be the same words twice)
    queries: list[dict] = []
    while len(queries) < n:
        word = rng.choice(words)
        kind = rng.choices(["word", "typo", "text_place", "near", "place"], weights=[30, 15, 25, 20, 10])[0]
        place = rng.choices(place_ids, weights=weights)[0]
        near = None
        if kind == "typo":
            q = misspell(word, rng)
        elif kind == "text_place":
            q = f"{word} {names[place].lower()}"
        elif kind == "near":
            q, near = word, place
        elif kind == "place":
            q = names[place]
        else:
            q = word
        if q.casefold() in seen or len(q) > 100:
            continue
        seen.add(q.casefold())
        queries.append({"q": q, "near": near, "radius_km": 50} if near else {"q": q})
    return queries


# --- Data, index and plan ---------------------------------------------------------------------------


def search_index_fill() -> str:
    """Rebuild the search indices (the product's `search_index rebuild`) unless they already match the database."""
    from django.core.management import CommandError, call_command

    from search import indexing
    from search.client import index_name, require_client
    from search.querysets import searchable_profiles, searchable_projects

    client = require_client()
    wanted = {"profile": searchable_profiles().count(), "project": searchable_projects().count()}
    have = {}
    for kind in wanted:
        try:
            have[kind] = client.count(index=index_name(kind))["count"]
        except Exception:  # noqa: BLE001 (no index yet)
            have[kind] = -1
    if have != wanted:
        print(f"search index {have} ≠ database {wanted}: search_index rebuild…", flush=True)
        for attempt in range(3):
            try:
                call_command("search_index", "rebuild", stdout=io.StringIO())
                break
            except CommandError:
                # The client gives up after 5 s (a page must not wait longer); a busy node may need another go.
                if attempt == 2:
                    raise
        indexing.refresh()
    return f"indexed: {wanted['profile']} profiles, {wanted['project']} projects taking quotes"


def build_plan(data, *, seed: int = 42) -> dict:
    """What the simulated people need, read from the database as it is now (earlier runs changed it)."""
    from django.db.models import Q
    from django.utils import timezone

    from marketplace.management.commands.seed_demo import PROJECTS
    from messaging.services import conversation_open
    from profiles.models import Mrc, Municipality, Skill, User
    from projects.models import Project, Quote, Visibility, project_taking_quotes
    from search.taxonomy import TRADE_SYNONYMS

    rng = random.Random(seed)
    live = ("pending", "shortlisted")
    open_public = Project.objects.filter(project_taking_quotes(), visibility=Visibility.PUBLIC, is_hidden=False)
    client_ids = [a.user_id for a in data.clients]
    # Each client's open projects with live quotes: what they compare and hire on.
    live_by_client: dict[int, list[int]] = {}
    for project_id, owner_id in (
        open_public.filter(owner_id__in=client_ids, quotes__status__in=live)
        .exclude(pk=data.showcase_project_id)
        .values_list("id", "owner_id")
        .distinct()
    ):
        live_by_client.setdefault(owner_id, []).append(project_id)
    hiring = {p for ids in live_by_client.values() for p in ids}
    # Freelancers quote on open projects no client of the run will award meanwhile, and none they quoted on.
    quotable_pool = list(
        open_public.exclude(pk__in=hiring).exclude(pk=data.showcase_project_id).values_list("id", flat=True)
    )
    freelancer_ids = [a.user_id for a in data.freelancers]
    quoted: dict[int, set[int]] = {}
    for freelancer_id, project_id in Quote.objects.filter(freelancer_id__in=freelancer_ids).values_list(
        "freelancer_id", "project_id"
    ):
        quoted.setdefault(freelancer_id, set()).add(project_id)

    # Two conversations per freelancer, each with a client of the run about one of that client's projects.
    users = User.objects.in_bulk(client_ids + freelancer_ids)
    talk_projects = {
        c: ids
        for c in client_ids
        if (ids := live_by_client.get(c) or list(open_public.filter(owner_id=c).values_list("id", flat=True)[:3]))
    }
    talkers = [c for c in client_ids if c in talk_projects]
    conversations: dict[int, list[int]] = {}
    for i, account in enumerate(data.freelancers):
        for k in range(2 if talkers else 0):
            client_id = talkers[(2 * i + k) % len(talkers)]
            conversation, _ = conversation_open(
                user=users[account.user_id], project_id=talk_projects[client_id][0], with_user_id=client_id
            )
            for member in (account.user_id, client_id):
                conversations.setdefault(member, [])
                if conversation.pk not in conversations[member]:
                    conversations[member].append(conversation.pk)

    visible = [
        *data.project_ids.get("open", []),
        *data.project_ids.get("awarded", []),
        *data.project_ids.get("completed", []),
    ]
    places = list(Municipality.objects.filter(population__gt=0).values_list("id", "name", "population"))
    # Each line of synonyms starts with its French words (the English ones come last).
    trades = [w.strip() for line in TRADE_SYNONYMS for w in line.split(",")[:2]]
    return {
        "password": data.password,
        "clients": [
            {
                "user_id": a.user_id,
                "email": a.email,
                "live_projects": live_by_client.get(a.user_id, []),
                "conversations": conversations.get(a.user_id, [])[:50],
            }
            for a in data.clients
        ],
        "freelancers": [
            {
                "user_id": a.user_id,
                "email": a.email,
                "quotable": _sample_except(rng, quotable_pool, quoted.get(a.user_id, set()), 40),
                "conversations": conversations.get(a.user_id, []),
            }
            for a in data.freelancers
        ],
        "project_ids": list(
            Project.objects.filter(pk__in=visible, visibility=Visibility.PUBLIC, is_hidden=False)
            .filter(Q(status__in=["open", "awarded", "completed"]))
            .values_list("id", flat=True)
        ),
        "profile_ids": data.profile_ids,
        "mrc_slugs": list(Mrc.objects.values_list("slug", flat=True)),
        "municipality_ids": [p[0] for p in rng.sample(places, min(300, len(places)))],
        "new_projects": [
            {"title": title, "category": category, "skills": skills, "description": description}
            for title, category, skills, description in PROJECTS
        ],
        "quotes_due": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "chat_lines": CHAT_LINES,
        "queries": french_queries(
            skills=list(Skill.objects.values_list("name", flat=True)), trades=trades, places=places, seed=seed
        ),
    }


def _sample_except(rng: random.Random, pool: list[int], taken: set[int], k: int) -> list[int]:
    """Up to `k` ids drawn from `pool`, none of them in `taken`."""
    drawn = rng.sample(pool, min(len(pool), k + len(taken)))
    return [p for p in drawn if p not in taken][:k]


def rate_limits_clear(prefix: str) -> None:
    """Forget the counters earlier runs left in this benchmark's cache (its own key prefix): a fresh hour."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# --- Serving --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def production_server(*, workers: int, logs: Path, env: dict[str, str]) -> Iterator[tuple[int, list]]:
    """gunicorn + uvicorn workers as docker-compose.yml's `web`, with `search-outbox` and `worker` beside it."""
    import psutil

    port = free_port()
    env = dict(os.environ, **env)
    background = (["search_outbox_drain", "--loop"], ["task_worker"])
    with contextlib.ExitStack() as files:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "marketplace.asgi:application",
             "--worker-class=marketplace.common.workers.MarketplaceUvicornWorker", f"--workers={workers}",
             f"--bind=127.0.0.1:{port}", "--forwarded-allow-ips=*", "--graceful-timeout=30",
             f"--access-logfile={logs / 'access.log'}", f"--error-logfile={logs / 'web.log'}"],
            cwd=ROOT, env=env, stdout=files.enter_context((logs / "web.out").open("w")), stderr=subprocess.STDOUT,
        )  # fmt: skip
        beside = [
            subprocess.Popen(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                stdout=files.enter_context((logs / f"{command[0]}.log").open("w")),
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            for command in background
        ]
        try:
            _wait_healthy(port, web, logs, workers)
            yield port, [psutil.Process(web.pid), *(psutil.Process(p.pid) for p in beside)]
        finally:
            for process in (web, *beside):
                process.send_signal(signal.SIGTERM)
            for process in (web, *beside):
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()


def _wait_healthy(port: int, web: subprocess.Popen, logs: Path, workers: int) -> None:
    """Until /healthz answers and every worker has started (one alone would answer the probe)."""
    # Generous: on a busy machine a worker's imports alone have taken close to a minute.
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            started = (logs / "web.log").read_text().count("Application startup complete")
            if started >= workers:
                return
        except OSError:
            pass
        if web.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start: see {logs / 'web.log'}")
        time.sleep(0.3)


def _cpu_seconds(processes) -> dict[str, float]:
    """CPU seconds used so far by the web server (master and workers) and by the two background processes."""
    import psutil

    def tree(process) -> float:
        total = 0.0
        for p in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = p.cpu_times()
                total += times.user + times.system
        return total

    web, *beside = processes
    return {"web": tree(web), "background": sum(tree(p) for p in beside)}


# --- Locust ---------------------------------------------------------------------------------------------


def run_locust(
    *, port: int, users: int, spawn_rate: float, warm_up: int, duration: int, plan: Path, out: Path, offset: int
) -> dict:
    """One headless Locust process; returns its CPU use and where its CSV statistics are."""
    ramp = int(users / spawn_rate) + warm_up
    prefix = out / f"users{users}"
    env = dict(
        os.environ,
        LOAD_PLAN=str(plan),
        LOAD_MEMBER_OFFSET=str(offset),
        LOAD_LOGINS_OUT=f"{prefix}_logins.json",
        LOAD_RESET_AFTER=str(ramp),
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with open(f"{prefix}_locust.log", "w") as log:
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", str(spawn_rate), "-t", f"{ramp + duration}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
             "--stop-timeout", "15", "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, check=True, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"prefix": prefix, "locust_cpu": cpu / wall, "wall": wall, "ramp": ramp}


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def read_stats(prefix: Path) -> tuple[list[dict], dict, list[dict]]:
    """Locust's per-endpoint rows, its aggregated row, and its failures (from its CSV files)."""
    rows, total = [], {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            entry = {
                "type": row["Type"],
                "name": row["Name"],
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                rows.append(entry)
    with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
        failures = [
            {"method": r["Method"], "name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
            for r in csv.DictReader(fh)
        ]
    return rows, total, failures


def report(users: int, run: dict, cpu: dict[str, float]) -> dict:
    """Print one run's table; return its figures."""
    rows, total, failures = read_stats(run["prefix"])
    measured = [r for r in rows if r["type"] != "WS" and r["name"] not in (TRIVIAL, LOGIN) and r["p95"] is not None]
    worst = max(measured, key=lambda r: r["p95"]) if measured else None
    trivial = next((r for r in rows if r["name"] == TRIVIAL), None)
    errors = sum(r["failures"] for r in rows)
    logins = (
        json.loads(Path(f"{run['prefix']}_logins.json").read_text())
        if Path(f"{run['prefix']}_logins.json").exists()
        else []
    )

    def ms(value):
        return "—" if value is None else f"{value:.0f}"

    print(f"\n{users} users, {run['wall'] - run['ramp']:.0f} s measured after {run['ramp']} s of ramp and warm-up:")
    print(f"{'endpoint':52} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for r in sorted(rows, key=lambda r: (r["type"] == "WS", r["name"] != TRIVIAL, r["name"])):
        name = f"{r['type']} {r['name']}"
        print(f"{name[:52]:52} {r['count']:8} {r['failures']:6} {ms(r['p50']):>7} {ms(r['p95']):>7} {ms(r['p99']):>7}")
    print(f"{'all':52} {total.get('count', 0):8} {errors:6} {ms(total.get('p50')):>7} {ms(total.get('p95')):>7} "
          f"{ms(total.get('p99')):>7}   {total.get('rps', 0):.1f} requests/s")  # fmt: skip
    if logins:
        logins.sort()
        print(f"sign-ins during the ramp (form, PBKDF2 hash): {len(logins)}, median {logins[len(logins) // 2]:.0f} ms, "
              f"max {logins[-1]:.0f} ms")  # fmt: skip
    for f in failures:
        print(f"  error ×{f['count']}: {f['method']} {f['name']}: {f['error'][:300]}")
    measured_wall = run["wall"]
    print(f"CPU over the run (2 cores = 200 %): Locust {100 * run['locust_cpu']:.0f} %, "
          f"web (gunicorn + 2 workers) {100 * cpu['web'] / measured_wall:.0f} %, "
          f"outbox drain + task worker {100 * cpu['background'] / measured_wall:.0f} %")  # fmt: skip
    return {
        "users": users,
        "rps": total.get("rps", 0.0),
        "worst": worst,
        "trivial_p95": trivial["p95"] if trivial else None,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--duration", type=int, default=180, help="Seconds measured after the ramp and warm-up (per step)."
    )
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="Users started per second.")
    parser.add_argument("--warm-up", type=int, default=20, help="Seconds after the ramp before measuring.")
    parser.add_argument("--step", action="store_true", help=f"Run {', '.join(map(str, STEPS))} users in turn.")
    parser.add_argument("--steps", help="Other user counts for --step, e.g. 10,20 (a smoke check).")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--quotes", type=int, default=300_000)
    parser.add_argument("--database", default="bench_load", help="The benchmark's own database (and index prefix).")
    args = parser.parse_args()

    if not os.environ.get("REDIS_URL"):
        sys.exit("bench/load.py needs REDIS_URL (the channel layer, the cache and the rate limits).")
    url = bench_database(args.database, script="load.py", needs_elasticsearch=True)
    # This benchmark's own index names, channel groups and cache keys: nothing shared with another run.
    isolation = {
        "ELASTICSEARCH_INDEX_PREFIX": args.database,
        "CHANNELS_PREFIX": args.database,
        "CACHE_KEY_PREFIX": args.database,
    }
    os.environ.update(isolation)
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    from bench.data import seed

    data = seed(url, profiles=args.profiles, projects=args.projects, quotes=args.quotes)
    print(data.describe(), flush=True)
    print(search_index_fill(), flush=True)
    out = ROOT / "var" / "load" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    plan = out / "plan.json"
    plan.write_text(json.dumps(build_plan(data)), encoding="utf-8")
    from django.db import connections

    connections.close_all()

    args.step = args.step or bool(args.steps)
    steps = [int(n) for n in args.steps.split(",")] if args.steps else list(STEPS) if args.step else [args.users]
    server_env = {
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        # As .env.example sets it for production: each process keeps a pool of connections.
        "DATABASE_POOL": "1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # No mail relay here: the task worker's e-mails (quote received, new message) are built, then dropped.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **isolation,
    }
    results = []
    with production_server(workers=args.workers, logs=out, env=server_env) as (port, processes):
        offset = 0
        for users in steps:
            rate_limits_clear(args.database)
            cpu_before = _cpu_seconds(processes)
            run = run_locust(
                port=port, users=users, spawn_rate=args.spawn_rate, warm_up=args.warm_up, duration=args.duration,
                plan=plan, out=out, offset=offset,
            )  # fmt: skip
            cpu_after = _cpu_seconds(processes)
            results.append(report(users, run, {k: cpu_after[k] - cpu_before[k] for k in cpu_after}))
            offset += users
    print(f"\nLocust statistics and server logs: {out.relative_to(ROOT)}")

    if args.step:
        print(f"\n{'users':>6} {'requests/s':>10} {'worst p95 ms':>12}  endpoint")
        for r in results:
            worst = r["worst"]
            print(
                f"{r['users']:6} {r['rps']:10.1f} {worst['p95'] if worst else 0:12.0f}  {worst['name'] if worst else ''}"
            )
        passed = next((r for r in results if r["worst"] and r["worst"]["p95"] > TARGET_MS), None)
        under = results[: results.index(passed) if passed else len(results)]
        if under:
            print(f"last load under {TARGET_MS:.0f} ms: {under[-1]['rps']:.1f} requests/s ({under[-1]['users']} users)")
        if passed:
            print(f"p95 first passes {TARGET_MS:.0f} ms at {passed['rps']:.1f} requests/s ({passed['users']} users)")
        else:
            print(
                f"p95 stays under {TARGET_MS:.0f} ms up to {results[-1]['rps']:.1f} requests/s ({results[-1]['users']} users)"
            )

    chosen = next((r for r in results if r["users"] == args.users), results[-1])
    figure = chosen["worst"]["p95"] if chosen["worst"] else 0.0
    baseline = chosen["trivial_p95"] or 0.0
    ratio = figure / baseline if baseline else float("inf")
    print_summary(
        Summary(
            name="load",
            figure=figure,
            baseline=baseline,
            unit="ms",
            ratio=ratio,
            target=f"zero errors, p95 < {TARGET_MS:.0f} ms, ratio <= {TARGET_RATIO:g}",
            met=chosen["errors"] == 0 and figure < TARGET_MS and ratio <= TARGET_RATIO,
        )
    )


if __name__ == "__main__":
    main()
