"""Schemathesis against a live server: every answer of the API is one its OpenAPI schema describes.

Three runs over the whole schema (anonymous, as a client, as a freelancer), every check on, a fixed
seed: no server error, no response outside its schema, no undocumented status code.
"""

import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from rest_framework.authtoken.models import Token

from community import services as community_services
from messaging import services as messaging_services
from profiles.models import PortfolioItem
from projects.models import ProjectStatus, QuoteOffer, QuoteStatus, Visibility
from search import client as search_client
from search import indexing
from search.models import SavedSearch
from tests.factories import (
    FreelancerProfileFactory,
    MunicipalityFactory,
    ProjectFactory,
    QuoteFactory,
    ReviewFactory,
    SkillFactory,
    UserFactory,
)
from tests.search.conftest import sync_index

# Same sequences on every run (ids start at 1): with the fixed seed, the same requests hit the same rows.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261110"))
# Per operation and per run; the three runs, side by side, take a few minutes on two cores.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _member(email: str, **kwargs):
    user = UserFactory(email=email, **kwargs)
    # Confirmed addresses: the API serves members whose e-mail is verified.
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _seed() -> dict:
    """A client with projects in every state, a freelancer with a profile and quotes, their conversation."""
    skill = SkillFactory(name="Graphisme")
    places = [
        MunicipalityFactory(name="Rivière-du-Loup"),
        MunicipalityFactory(name="Kamouraska", latitude=47.5667, longitude=-69.8667),
    ]
    client = _member("client@fuzz.qc.ca", name="Cliente Fuzz")
    freelancer = _member("pigiste@fuzz.qc.ca", name="Pigiste Fuzz")
    profile = FreelancerProfileFactory(user=freelancer, municipality=places[0], skills=[skill])
    other_profile = FreelancerProfileFactory(user=_member("autre@fuzz.qc.ca"), municipality=places[1])

    open_project = ProjectFactory(owner=client, municipality=places[0], skills=[skill])
    projects = [
        open_project,
        ProjectFactory(owner=client, status=ProjectStatus.DRAFT, published_at=None),
        ProjectFactory(owner=client, visibility=Visibility.INVITED),
        ProjectFactory(owner=client, status=ProjectStatus.AWARDED),
        ProjectFactory(owner=client, status=ProjectStatus.COMPLETED),
    ]
    quotes = [
        QuoteFactory(project=open_project, freelancer=freelancer),
        QuoteFactory(project=open_project, freelancer=other_profile.user),
        QuoteFactory(project=projects[3], freelancer=freelancer, status=QuoteStatus.ACCEPTED),
        QuoteFactory(project=projects[4], freelancer=freelancer, status=QuoteStatus.ACCEPTED),
    ]
    ReviewFactory(project=projects[4], author=client, subject=freelancer)
    # The client's open counter-offer on the freelancer's quote, for the offers' operations to reach.
    offer = QuoteOffer.objects.create(
        quote=quotes[0], author=client, from_client=True, amount=3000, quote_amount=quotes[0].amount
    )
    conversation, _created = messaging_services.conversation_open(
        user=client, project_id=open_project.pk, with_user_id=freelancer.pk
    )
    saved = SavedSearch.objects.create(user=freelancer, name="Graphisme", query="q=graphisme", frequency="daily")
    portfolio = [
        PortfolioItem.objects.create(profile=profile, title=title, position=position)
        for position, title in enumerate(["Affiche du festival", "Logo de la fromagerie"])
    ]
    group = community_services.group_create(user=client, data={"name": "Groupe Fuzz", "access": "sur_demande"})
    community_services.group_invite(user=client, group_id=group.pk, invitee=freelancer.pk)
    community_services.group_join(user=freelancer, group_id=group.pk)
    post = community_services.bulletin_post_create(user=freelancer, group_id=group.pk, body="Bonjour le groupe")
    return {
        "tokens": {
            "client": Token.objects.create(user=client).key,
            "freelancer": Token.objects.create(user=freelancer).key,
        },
        "ids": {
            "municipalities": [place.pk for place in places],
            "users": [client.pk, freelancer.pk, other_profile.user_id],
            "profiles": [profile.pk, other_profile.pk],
            "projects": [project.pk for project in projects],
            "quotes": [quote.pk for quote in quotes],
            "offers": [offer.pk],
            "conversations": [conversation.pk],
            "saved_searches": [saved.pk],
            "portfolio_items": [item.pk for item in portfolio],
            "groups": [group.pk],
            "group_posts": [post.pk],
        },
    }


# Which seeded rows each parameter names; the fuzzer still tries other values the rest of the time.
_PATH_IDS = {
    "^/api/v1/projects/": "projects",
    "^/api/v1/quotes/": "quotes",
    "^/api/v1/offers/": "offers",
    "^/api/v1/conversations/": "conversations",
    "^/api/v1/freelancers/": "profiles",
    "^/api/v1/search/saved/": "saved_searches",
    "^/api/v1/clients/": "users",
    "^/api/v1/me/portfolio/": "portfolio_items",
    "^/api/v1/groups/": "groups",
}
_BODY_IDS = {
    "body.municipality": "municipalities",
    "body.project": "projects",
    "body.with_user": "users",
    "body.freelancer_profile": "profiles",
}


def write_config(path: Path, ids: dict) -> Path:
    """Schemathesis' settings: the seeded ids to draw from, so requests reach real objects."""
    lines = [
        'hooks = "tests.marketplace.fuzz_hooks"',
        "",
        "[generation]",
        'database = "none"',  # nothing remembered between runs: the seed alone decides
        # No text takes a NUL character (PostgreSQL can't store one; DRF refuses it with its own message).
        "allow-x00 = false",
        "",
        "[parameters]",
        '"query.near" = { dictionary = "municipalities", probability = 0.9 }',
        '"query.lieu" = { dictionary = "municipalities", probability = 0.9 }',  # the map (/api/v1/map/)
        *(f'"{key}" = {{ dictionary = "{name}", probability = 0.8 }}' for key, name in _BODY_IDS.items()),
        "",
    ]
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {values}", ""]
    for regex, name in _PATH_IDS.items():
        lines += [
            "[[operations]]",
            f'include-path-regex = "{regex}"',
            f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = 0.8 }} }}',
            "",
        ]
    path.write_text("\n".join(lines))
    return path


def _summary(output: str) -> str:
    """Schemathesis' closing line ("No issues found in 61.20s", "2 failures in 80.02s")."""
    closing = [line.strip("= ") for line in output.splitlines() if re.fullmatch(r"=+ .+ =+", line.strip())]
    return closing[-1] if closing else (output.strip().splitlines() or ["no output"])[-1]


def _failures(output: str) -> str:
    """The part of a report worth reading in the assertion: from the failures on, capped."""
    start = min((output.find(h) for h in ("= ERRORS =", "= FAILURES =") if h in output), default=0)
    return output[start : start + 30_000]


@pytest.fixture
def search_indices(settings):
    """Its own Elasticsearch indices, holding the seeded rows, in the main pass; the database backend otherwise."""
    if not settings.ELASTICSEARCH_URL:
        yield
        return
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test_fuzz_{uuid.uuid4().hex[:10]}"
    search_client.mark_up()
    indexing.ensure_indices()
    yield
    with contextlib.suppress(Exception):
        indexing.delete_all_indices()


def test_the_api_answers_only_what_its_schema_says(asgi_server, search_indices, settings, tmp_path, capsys):
    # The fuzzer is one visitor sending thousands of requests from one IP: past the real limits every
    # answer would be 429 and nothing else would be tested. The limits have their own tests.
    settings.RATE_LIMITS = {scope: "100000/m" for scope in settings.RATE_LIMITS}
    seeded = _seed()
    sync_index()
    config = write_config(tmp_path / "schemathesis.toml", seeded["ids"])
    env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}  # for the hooks module

    def run(who: str) -> tuple[str, int, str, float]:
        command = [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            f"{asgi_server.url}/api/schema/?format=json",
            "--checks=all",
            f"--seed={SEED}",
            f"--max-examples={MAX_EXAMPLES}",
            "--workers=1",
            "--request-timeout=30",
            "--no-color",
        ]
        if who != "anonymous":
            # Everything else runs, deletions included: they reach only this test's rows. Revoking the
            # token would turn the rest of the run into 401s (the anonymous run still covers it). Asking for
            # the account's deletion stays in: it needs the member's exact e-mail, which the fuzzer never sends.
            command += ["--header", f"Authorization: Token {seeded['tokens'][who]}"]
            command += ["--exclude-operation-id", "v1_auth_token_destroy"]
        started = time.monotonic()
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)  # noqa: S603
        return who, result.returncode, result.stdout + result.stderr, time.monotonic() - started

    # The three runs go at once: one alone waits on the server between requests and leaves a core idle.
    # Their writes then land among the others' requests, as real members' do; every answer must still
    # be one the schema describes.
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(run, ("anonymous", "client", "freelancer")))
    for who, _code, output, seconds in reports:
        (tmp_path / f"schemathesis-{who}.log").write_text(output)
        with capsys.disabled():  # into the CI log even while pytest captures the output
            print(
                f"\nschemathesis ({who}, seed {SEED}, {MAX_EXAMPLES} examples per operation, "
                f"{seconds:.0f} s): {_summary(output)}"
            )

    failed = [f"--- {who} ---\n{_failures(output)}" for who, code, output, _seconds in reports if code != 0]
    assert not failed, "\n\n".join(failed)
