"""On the real node: French relevance, keeping the index right, rebuilds, checks, retries."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from profiles.models import FreelancerProfile, Report
from profiles.services import profile_save, report_create, report_hide_target
from projects.services import invitation_send, project_cancel, project_create, project_update
from search import indexing
from search.client import get_client, index_name
from search.models import SearchOutboxEntry
from search.outbox import outbox_drain, outbox_record_profile
from search.params import freelancer_search_params, project_search_params
from search.selectors import freelancer_search, project_search
from tests.factories import FreelancerProfileFactory, SkillFactory, UserFactory

from .conftest import drain, sync_index
from .factories import place

pytestmark = pytest.mark.elasticsearch


def es_names(query: str) -> list[str]:
    result = freelancer_search(params=freelancer_search_params(QueryDict(query)), backend="elasticsearch")
    return sorted(p.display_name for p in result.objects)


def es_titles(query: str, user=None) -> list[str]:
    result = project_search(params=project_search_params(QueryDict(query)), user=user, backend="elasticsearch")
    return sorted(p.title for p in result.objects)


@pytest.fixture
def trades(es):
    quebec, rdl = place("Québec"), place("Rivière-du-Loup")
    FreelancerProfileFactory(display_name="Julie", headline="Développeuse Web à Québec", bio="", municipality=quebec)
    FreelancerProfileFactory(
        display_name="Marc", headline="Photographie de mariage et d'événements", bio="", municipality=rdl
    )
    FreelancerProfileFactory(
        display_name="Sophie",
        headline="Graphiste",
        bio="Identités visuelles pour l'entreprise agricole.",
        municipality=rdl,
    )
    FreelancerProfileFactory(display_name="Nadia", headline="Designer graphique", bio="", municipality=rdl)
    FreelancerProfileFactory(
        display_name="Luc", headline="Comptable", bio="Tenue de livres pour PME.", municipality=rdl
    )
    FreelancerProfileFactory(display_name="Anne", headline="Rédactrice publicitaire", bio="", municipality=rdl)
    FreelancerProfileFactory(display_name="Paul", headline="Programmeur Python", bio="", municipality=rdl)
    sync_index()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("developpeur quebec", ["Julie"]),  # accents folded, feminine form through synonyms
        ("DÉVELOPPEUSE", ["Julie", "Paul"]),  # développeuse = programmeur
        ("photographe", ["Marc"]),  # photographe finds photographie
        ("grafiste", ["Sophie"]),  # a typo still finds the graphic designer
        ("graphiste", ["Nadia", "Sophie"]),  # graphiste = designer graphique
        ("designer graphique", ["Nadia", "Sophie"]),
        ("entreprises agricoles", ["Sophie"]),  # plural and elision (l'entreprise)
        ("copywriter", ["Anne"]),  # rédactrice = copywriter
        ("redacteur", ["Anne"]),
        ("tenue de livres", ["Luc"]),
        ("comptabilite", ["Luc"]),
        ("programmeuse", ["Julie", "Paul"]),
        ("evenement", ["Marc"]),  # d'événements: elision, accents, plural
    ],
)
def test_french_relevance(trades, query, expected):
    assert es_names(f"q={query}") == expected


def test_developer_query_ranks_the_quebec_developer_first(trades):
    result = freelancer_search(params=freelancer_search_params(QueryDict("q=développeur")), backend="elasticsearch")
    assert [p.display_name for p in result.objects] == ["Julie", "Paul"]
    assert "<mark>Développeuse</mark>" in result.objects[0].hit.highlights["headline"][0]


def test_highlights_are_html_escaped(es):
    FreelancerProfileFactory(display_name="Zoé", headline="Graphiste <script>alert(1)</script>")
    sync_index()
    result = freelancer_search(params=freelancer_search_params(QueryDict("q=graphiste")), backend="elasticsearch")
    fragment = result.objects[0].hit.highlights["headline"][0]
    assert "<script>" not in fragment
    assert "&lt;script&gt;" in fragment and "<mark>Graphiste</mark>" in fragment


def _project_data(**overrides):
    data = {
        "title": "Étiquettes pour une cidrerie",
        "description": "Nous voulons des étiquettes pour nos cidres de glace.",
        "category": "design",
        "budget_type": "fixed",
        "budget_min": "800",
        "budget_max": "1500",
        "quotes_due": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "municipality": place("Rivière-du-Loup").pk,
        "skills": ["Design graphique"],
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_index_follows_project_create_update_cancel_and_moderation(es):
    owner = UserFactory()
    draft = project_create(owner=owner, data=_project_data(), publish=False)
    drain()
    assert es_titles("q=cidrerie") == []  # a draft never shows
    project = project_create(owner=owner, data=_project_data(title="Étiquettes de cidre de glace"), publish=True)
    drain()
    assert es_titles("q=cidre") == ["Étiquettes de cidre de glace"]
    project_update(user=owner, project_id=project.pk, data={"title": "Logo pour une cidrerie"})
    drain()
    assert es_titles("q=logo") == ["Logo pour une cidrerie"]
    assert es_titles("q=étiquettes glace") == ["Logo pour une cidrerie"]  # still found by its description
    project_cancel(user=owner, project_id=project.pk)
    drain()
    assert es_titles("q=cidrerie") == []
    other = project_create(owner=owner, data=_project_data(title="Affiche de festival"), publish=True)
    drain()
    assert es_titles("q=affiche") == ["Affiche de festival"]
    staff = UserFactory(is_staff=True)
    report = report_create(reporter=UserFactory(), kind="project", object_id=other.pk, reason=Report.Reason.SCAM)
    report_hide_target(staff_user=staff, report_id=report.pk)
    drain()
    assert es_titles("q=affiche") == []
    assert indexing.check(kind="project") == {"missing": [], "stale": [], "extra": []}
    assert draft.pk  # the draft exists in the database, only search ignores it


def test_index_follows_profile_saves_and_moderation(es):
    user = UserFactory()
    profile = profile_save(
        user=user,
        data={
            "display_name": "Gabrielle",
            "headline": "Traductrice",
            "skills": ["Traduction"],
            "municipality": place("Rimouski").pk,
            "travel_radius_km": 20,
        },
    )
    drain()
    assert es_names("q=traductrice") == ["Gabrielle"]
    assert es_names("skills=traduction") == ["Gabrielle"]
    profile_save(user=user, data={"headline": "Réviseure", "skills": ["Révision"]})
    drain()
    assert es_names("q=traductrice") == []
    assert es_names("skills=revision") == ["Gabrielle"]
    report = report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason=Report.Reason.SPAM)
    report_hide_target(staff_user=UserFactory(is_staff=True), report_id=report.pk)
    drain()
    assert es_names("q=gabrielle") == []


def test_a_stale_write_never_overwrites_a_newer_one(es):
    profile = FreelancerProfileFactory(display_name="Olivier", headline="Plombier")
    old_state = indexing._documents("profile", [profile.pk])
    old_version = indexing.now_version()
    FreelancerProfile.objects.filter(pk=profile.pk).update(headline="Ébéniste")
    outbox_record_profile(profile_id=profile.pk)
    drain()
    # A slow worker that read the profile before the change arrives last: Elasticsearch refuses it.
    applied, skipped = indexing._bulk(
        indexing._actions("profile", [profile.pk], indexing.concrete_indices("profile"), old_version, old_state)
    )
    indexing.refresh()
    assert (applied, skipped) == (0, 1)
    assert es_names("q=ebeniste") == ["Olivier"]
    assert es_names("q=plombier") == []


def test_saving_works_with_elasticsearch_down_and_the_outbox_retries(es, settings):
    url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    owner = UserFactory()
    project = project_create(owner=owner, data=_project_data(title="Panneau de bois gravé"), publish=True)
    assert SearchOutboxEntry.objects.filter(kind="project", object_id=project.pk).exists()
    result = outbox_drain()
    assert not result.ok and result.entries == 0
    assert SearchOutboxEntry.objects.get(kind="project", object_id=project.pk).attempts == 1
    # The pages still answer, from the database, with a notice.
    fallback = project_search(params=project_search_params(QueryDict("q=panneau")), user=None)
    assert [p.title for p in fallback.objects] == ["Panneau de bois gravé"]
    assert fallback.backend == "database" and "momentanément indisponible" in fallback.notice
    settings.ELASTICSEARCH_URL = url
    from search.client import mark_up

    mark_up()
    drain()
    assert not SearchOutboxEntry.objects.exists()
    assert es_titles("q=panneau") == ["Panneau de bois gravé"]


def test_rebuild_swaps_the_alias_while_searches_keep_answering(es):
    design = SkillFactory(name="Design graphique")
    for i in range(120):
        FreelancerProfileFactory(display_name=f"Graphiste {i}", headline="Graphiste", skills=[design])
    sync_index()
    before = set(get_client().indices.get_alias(name=index_name("profile")).keys())
    failures, answers = [], []
    stop = threading.Event()

    def search_loop():
        from django.db import connection

        try:
            while not stop.is_set():
                result = freelancer_search(
                    params=freelancer_search_params(QueryDict("q=graphiste&page_size=5")), backend="elasticsearch"
                )
                answers.append(result.total)
        except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
            failures.append(exc)
        finally:
            connection.close()

    progress = []
    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        new_name = indexing.rebuild(
            kind="profile", chunk=25, progress=lambda done, total: progress.append((done, total))
        )
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert failures == []
    assert len(answers) > 0 and all(total == 120 for total in answers)
    assert progress[0] == (0, 120) and progress[-1] == (120, 120)
    after = set(get_client().indices.get_alias(name=index_name("profile")).keys())
    assert after == {new_name} and not (after & before)
    assert indexing.concrete_indices("profile") == [new_name]
    assert len(es_names("q=graphiste&page_size=50")) == 50


def test_check_reports_missing_and_stale_documents(es):
    kept = FreelancerProfileFactory(display_name="Indexée", headline="Traductrice")
    sync_index()
    missing = FreelancerProfileFactory(display_name="Jamais indexée")
    FreelancerProfile.objects.filter(pk=kept.pk).update(hourly_rate=Decimal("99"))
    report = indexing.check(kind="profile")
    assert report == {"missing": [missing.pk], "stale": [kept.pk], "extra": []}


def test_index_commands_rebuild_with_a_progress_bar_and_check(es):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    rdl = place("Rivière-du-Loup")
    FreelancerProfileFactory(display_name="Commande", headline="Graphiste", municipality=rdl)
    out = StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert "profils   [##############################] 1/1" in out.getvalue()
    out = StringIO()
    call_command("search_index", "check", stdout=out)
    assert "L'index correspond à la base de données." in out.getvalue()
    FreelancerProfileFactory(display_name="Oubliée", municipality=rdl)
    with pytest.raises(CommandError, match="1 document diffère de la base de données"):
        call_command("search_index", "check", stdout=StringIO())
    outbox_record_profile(profile_id=FreelancerProfile.objects.get(display_name="Oubliée").pk)
    out = StringIO()
    call_command("search_outbox_drain", stdout=out)
    assert "1 changement envoyé (écrits : 1, déjà à jour : 0)" in out.getvalue()


def test_a_hidden_project_is_removed_from_the_index_by_the_outbox_and_never_shows(es):
    project = project_create(owner=UserFactory(), data=_project_data(title="Enseigne de boulangerie"), publish=True)
    drain()
    assert es_titles("q=enseigne") == ["Enseigne de boulangerie"]
    report = report_create(reporter=UserFactory(), kind="project", object_id=project.pk, reason=Report.Reason.SCAM)
    report_hide_target(staff_user=UserFactory(is_staff=True), report_id=report.pk)
    # Recorded in the moderation's own transaction; the worker's next drain deletes the document.
    assert SearchOutboxEntry.objects.filter(kind="project", object_id=project.pk).exists()
    drain()
    assert not get_client().exists(index=index_name("project"), id=str(project.pk))
    result = project_search(params=project_search_params(QueryDict("q=enseigne")), backend="elasticsearch")
    assert result.total == 0 and result.objects == []
    assert indexing.check(kind="project") == {"missing": [], "stale": [], "extra": []}


def test_a_hidden_profile_is_removed_from_the_index_by_the_outbox_and_never_shows(es):
    profile = FreelancerProfileFactory(display_name="Xavier", headline="Forgeron")
    sync_index()
    assert es_names("q=forgeron") == ["Xavier"]
    report = report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason=Report.Reason.SPAM)
    report_hide_target(staff_user=UserFactory(is_staff=True), report_id=report.pk)
    assert SearchOutboxEntry.objects.filter(kind="profile", object_id=profile.pk).exists()
    drain()
    assert not get_client().exists(index=index_name("profile"), id=str(profile.pk))
    assert es_names("q=forgeron") == []


def test_result_cards_are_read_from_the_index(es):
    rdl = place("Rivière-du-Loup")
    profile = FreelancerProfileFactory(
        display_name="Yannick",
        headline="Ébéniste",
        municipality=rdl,
        hourly_rate=Decimal("65.50"),
        skills=[SkillFactory(name="Menuiserie"), SkillFactory(name="Finition")],
    )
    sync_index()
    # A write that bypasses the outbox is not seen: the card is the indexed one, not a re-read of the row.
    FreelancerProfile.objects.filter(pk=profile.pk).update(display_name="Renommé")
    card = freelancer_search(
        params=freelancer_search_params(QueryDict(f"q=ebeniste&near={rdl.pk}")), backend="elasticsearch"
    ).objects[0]
    assert (card.id, card.display_name, card.hourly_rate) == (profile.pk, "Yannick", Decimal("65.50"))
    assert card.skills == ["Finition", "Menuiserie"]
    assert (card.municipality.name, card.municipality.region_name) == ("Rivière-du-Loup", "Bas-Saint-Laurent")
    assert card.hit.distance_km == 0.0


def test_a_document_indexed_before_cards_existed_gives_the_fallback_not_a_500(es, client):
    profile = FreelancerProfileFactory(display_name="Zacharie", headline="Luthier")
    sync_index()
    body = indexing._documents("profile", [profile.pk])[profile.pk]
    del body["card"]
    get_client().index(index=index_name("profile"), id=str(profile.pk), document=body, refresh=True)
    response = client.get("/api/v1/search/freelancers/", {"q": "luthier"})
    assert response.status_code == 200
    assert response.json()["backend"] == "database"
    assert [r["display_name"] for r in response.json()["results"]] == ["Zacharie"]
    assert "momentanément indisponible" in response.json()["notice"]


def test_an_invitation_makes_the_invite_only_project_findable_by_that_freelancer_only(es):
    owner = UserFactory()
    invited = FreelancerProfileFactory(display_name="Julie Gagnon")
    other = FreelancerProfileFactory(display_name="Marc Pelletier")
    project = project_create(owner=owner, data=_project_data(visibility="invited"), publish=True)
    drain()
    assert es_titles("q=cidrerie", user=invited.user) == []

    invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=invited.pk)
    drain()

    assert es_titles("q=cidrerie", user=invited.user) == ["Étiquettes pour une cidrerie"]
    assert es_titles("q=cidrerie", user=other.user) == []
    assert es_titles("q=cidrerie") == []
