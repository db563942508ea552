"""Search benchmark: bulk indexing speed, then the same French queries through the endpoint and raw.

Seeds a PostgreSQL database (`bench_search`, reused by later runs) with freelancer profiles and
projects spread over Quebec's municipalities, rebuilds both indices with bulk requests (docs/s),
then runs a fixed mix of realistic French queries with filters through the search API under
uvicorn and the very same Elasticsearch requests straight to the node, in the same run (each
query both ways, one after the other, so load on the machine weighs on both alike).
Reports p50/p95 of both and their ratio. Target: endpoint p95 < 50 ms and ≤ 1.5 × raw p95.

    DATABASE_URL=postgres://… ELASTICSEARCH_URL=http://127.0.0.1:9200 \\
        .venv/bin/python bench/search.py [--profiles 100000] [--projects 100000] [--queries 1000]
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmarks run with DEBUG off, where the settings refuse the development key; their servers inherit this one.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench._serve import asgi_server, bench_database, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

BATCH = 5_000
HEADLINES = [
    "Graphiste et illustratrice",
    "Développeuse web",
    "Développeur Python et Django",
    "Comptable agréée",
    "Tenue de livres pour PME",
    "Photographe de mariage",
    "Vidéaste et monteur",
    "Rédactrice publicitaire",
    "Traductrice anglais-français",
    "Adjointe virtuelle",
    "Menuisier-ébéniste",
    "Électricien résidentiel",
    "Conseillère en marketing numérique",
    "Gestionnaire de réseaux sociaux",
    "Formatrice en bureautique",
    "Designer graphique",
    "Programmeur d'applications mobiles",
    "Photographie culinaire",
    "Réviseure linguistique",
    "Animateur d'événements",
]
BIOS = [
    "Pigiste depuis dix ans, je travaille avec les PME et les OBNL de la région.",
    "J'accompagne les entreprises du Bas-Saint-Laurent dans leurs projets d'image et de communication.",
    "Spécialisée dans l'identité visuelle, les emballages et l'affichage pour les producteurs agricoles.",
    "Je me déplace dans toute la région pour rencontrer mes clients.",
]
SKILLS = [
    "Design graphique",
    "Logo",
    "Illustration",
    "Développement web",
    "WordPress",
    "Python",
    "Comptabilité",
    "Tenue de livres",
    "Photographie",
    "Montage vidéo",
    "Rédaction",
    "Traduction",
    "Révision",
    "Marketing",
    "Réseaux sociaux",
    "Menuiserie",
    "Électricité",
    "Formation",
    "Soutien administratif",
    "Animation",
]
PROJECT_TITLES = [
    "Logo pour une microbrasserie",
    "Site web pour une fromagerie",
    "Tenue de livres mensuelle",
    "Photos de produits",
    "Vidéo promotionnelle pour un festival",
    "Rédaction d'infolettres",
    "Traduction d'un site transactionnel",
    "Refonte d'une boutique en ligne",
    "Rénovation d'une cuisine",
    "Gestion des réseaux sociaux d'une érablière",
    "Formation Excel pour une équipe",
    "Affiches pour un spectacle",
    "Application mobile de réservation",
]
QUERIES = [
    "graphiste",
    "développeur web",
    "comptable",
    "photographe mariage",
    "rédactrice",
    "traduction anglais",
    "logo",
    "site web",
    "tenue de livres",
    "montage vidéo",
    "menuisier",
    "grafiste",
    "developpeur quebec",
    "photographie",
    "designer graphique",
    "réseaux sociaux",
    "adjointe virtuelle",
    "formation excel",
    "boutique en ligne",
    "affiche",
]


def seed(profiles: int, projects: int) -> None:
    """Fill the database up to the asked sizes (kept between runs)."""
    from django.core.management import call_command
    from django.utils import timezone

    from profiles.models import FreelancerProfile, Municipality, Skill, User, skill_key
    from projects.models import Category, Project, ProjectStatus

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
                    User(email=f"bench-search-{i}@exemple.qc.ca", name=f"Membre {i}", password="!")
                    for i in range(start, stop)
                ]
            )
            made = FreelancerProfile.objects.bulk_create(
                [
                    FreelancerProfile(
                        user=user,
                        display_name=f"Pigiste {start + i}",
                        headline=rng.choice(HEADLINES),
                        bio=" ".join(rng.sample(BIOS, 2)),
                        hourly_rate=Decimal(rng.randint(30, 150)),
                        languages=rng.choice([["fr"], ["fr", "en"], ["en"], ["fr", "es"]]),
                        availability=rng.choice(["now", "now", "from_date", "unavailable"]),
                        municipality_id=rng.choice(places),
                        travel_radius_km=rng.choice([0, 25, 50, 100, 200]),
                        rating_average=Decimal(rng.randint(30, 50)) / 10 if rng.random() < 0.6 else None,
                        rating_count=rng.randint(0, 40),
                    )
                    for i, user in enumerate(users)
                ]
            )
            through = FreelancerProfile.skills.through
            through.objects.bulk_create(
                [through(freelancerprofile_id=p.pk, skill_id=s.pk) for p in made for s in rng.sample(skills, 3)]
            )
    have = Project.objects.count()
    if have < projects:
        print(f"seeding {projects - have} projects…", flush=True)
        owner_ids = list(User.objects.order_by("id").values_list("id", flat=True)[:2000])
        now, today = timezone.now(), timezone.localdate()
        for start in range(have, projects, BATCH):
            stop = min(start + BATCH, projects)
            made = Project.objects.bulk_create(
                [
                    Project(
                        owner_id=rng.choice(owner_ids),
                        title=f"{rng.choice(PROJECT_TITLES)} ({i})",
                        description=" ".join(rng.sample(BIOS, 2)),
                        category=rng.choice(Category.values),
                        budget_type="fixed",
                        budget_min=Decimal(rng.choice([300, 800, 1500, 3000])),
                        budget_max=Decimal(rng.choice([5000, 8000, 12000])),
                        municipality_id=rng.choice(places),
                        remote=rng.random() < 0.3,
                        quotes_due=today + datetime.timedelta(days=rng.randint(1, 40)),
                        status=rng.choice([ProjectStatus.OPEN] * 7 + [ProjectStatus.AWARDED, ProjectStatus.DRAFT]),
                        published_at=now - datetime.timedelta(minutes=i),
                    )
                    for i in range(start, stop)
                ]
            )
            through = Project.skills.through
            through.objects.bulk_create(
                [through(project_id=p.pk, skill_id=s.pk) for p in made for s in rng.sample(skills, 2)]
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def index_all() -> dict[str, float]:
    """Rebuild both indices with bulk requests; docs/s per kind."""
    from search import indexing

    indexing.ensure_indices()
    rates = {}
    for kind in indexing.KINDS:
        counted = {}
        start = time.perf_counter()
        indexing.rebuild(kind=kind, progress=lambda done, total, c=counted: c.update(total=total))
        elapsed = time.perf_counter() - start - indexing.OLD_INDEX_GRACE_SECONDS
        rates[kind] = counted["total"] / elapsed
        print(f"indexed {counted['total']} {kind}s in {elapsed:.1f} s: {rates[kind]:.0f} docs/s", flush=True)
    return rates


def query_mix(count: int) -> list[tuple[str, dict]]:
    """A fixed mix of French queries with filters: ('freelancers' | 'projects', params)."""
    from profiles.models import Municipality, Region

    rng = random.Random(7)
    towns = list(Municipality.objects.filter(population__gte=5000).values_list("id", flat=True)) or list(
        Municipality.objects.values_list("id", flat=True)
    )
    slugs = ["design-graphique", "logo", "developpement-web", "comptabilite", "photographie", "traduction"]
    mix = []
    for _ in range(count):
        kind = "freelancers" if rng.random() < 0.6 else "projects"
        params = {}
        if rng.random() < 0.85:
            params["q"] = rng.choice(QUERIES)
        if rng.random() < 0.35:
            params["near"] = rng.choice(towns)
            params["radius_km"] = rng.choice([25, 50, 100])
        elif rng.random() < 0.3:
            params["region"] = rng.choice(Region.values)
        if rng.random() < 0.25:
            params["skills"] = rng.choice(slugs)
        if kind == "freelancers":
            if rng.random() < 0.2:
                params["rate_max"] = rng.choice([60, 80, 100])
            if rng.random() < 0.15:
                params["language"] = "en"
            if rng.random() < 0.15:
                params["sort"] = rng.choice(["rating", "rate"] + (["distance"] if "near" in params else []))
        else:
            if rng.random() < 0.2:
                params["remote"] = "1"
            if rng.random() < 0.2:
                params["budget_min"] = rng.choice([1000, 3000])
        if rng.random() < 0.1:
            params["page"] = rng.choice([2, 3])
        mix.append((kind, params))
    return mix


def raw_requests(mix) -> list[tuple[str, dict]]:
    """The very requests the endpoint sends to Elasticsearch for each query of the mix: (index, body)."""
    from django.http import QueryDict

    from search.backends import es
    from search.params import freelancer_search_params, project_search_params

    bodies = []
    for kind, params in mix:
        query = QueryDict(urlencode(params))
        if kind == "freelancers":
            request = es.freelancer_search_request(freelancer_search_params(query))
        else:
            request = es.project_search_request(project_search_params(query), user_id=None)
        bodies.append((request._index[0], request.to_dict()))
    return bodies


def time_both(port: int, mix) -> tuple[list[float], list[float]]:
    """Each query through the endpoint, then the same request raw with the same client, one after the other.

    Interleaved, so that a busy moment on the machine slows both sides instead of one.
    """
    from search.client import get_client

    client = get_client()
    bodies = raw_requests(mix)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    endpoint, raw = [], []
    warm_up = 20
    for i, ((kind, params), (index, body)) in enumerate(
        zip(mix[:warm_up] + mix, bodies[:warm_up] + bodies, strict=True)
    ):
        path = f"/api/v1/search/{kind}/?{urlencode(params)}"
        start = time.perf_counter()
        conn.request("GET", path, headers={"Host": "127.0.0.1", "Accept": "application/json"})
        response = conn.getresponse()
        answer = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200 or b'"backend":"elasticsearch"' not in answer:
            raise SystemExit(f"{path} answered {response.status}: {answer[:300]!r}")
        start = time.perf_counter()
        client.search(index=index, body=body)
        raw_elapsed = (time.perf_counter() - start) * 1000
        if i >= warm_up:
            endpoint.append(elapsed)
            raw.append(raw_elapsed)
    conn.close()
    return endpoint, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--skip-index", action="store_true", help="Reuse the indices of the previous run.")
    args = parser.parse_args()

    url = bench_database("bench_search", script="search.py", needs_elasticsearch=True)
    os.environ["DATABASE_URL"] = url
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = "bench_search"
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    # No log line per raw request: the endpoint's server logs at WARNING too, so both sides pay the same.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    seed(args.profiles, args.projects)
    rates = {} if args.skip_index else index_all()
    mix = query_mix(args.queries)

    with asgi_server(RATELIMIT_ENABLED="0") as port:
        endpoint, raw = time_both(port, mix)

    print(f"\n{args.profiles} profiles, {args.projects} projects, {len(mix)} queries")
    for kind, rate in rates.items():
        print(f"bulk indexing {kind}s: {rate:,.0f} docs/s")
    print(f"{'':22} {'p50 ms':>8} {'p95 ms':>8}")
    for name, timings in (("endpoint (API, ASGI)", endpoint), ("raw Elasticsearch", raw)):
        print(f"{name:22} {percentile(timings, 50):8.2f} {percentile(timings, 95):8.2f}")
    print(f"p95 ratio endpoint / raw: {percentile(endpoint, 95) / percentile(raw, 95):.2f}")


if __name__ == "__main__":
    main()
