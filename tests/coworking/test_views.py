"""The pages: the directory and its search, a space, proposing one, its managers' edit page, staff's review."""

import pytest
from django.urls import reverse

from coworking.models import CoworkingSpace, SpaceStatus
from coworking.services import space_propose
from notifications.models import Notification
from tests.factories import UserFactory
from tests.profiles.factories import image_bytes, upload
from tests.search.factories import place

from .helpers import approved_space

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture(autouse=True)
def _database_search(settings):
    settings.ELASTICSEARCH_URL = ""


def test_the_directory_lists_approved_spaces_and_never_a_waiting_one(client):
    approved_space(name="Le Couvent des Idées", place=place("Kamouraska"), price_day="20")
    space_propose(user=UserFactory(), data={"name": "Presbytère en attente"})

    page = client.get(reverse("coworking-list"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Le Couvent des Idées" in html
    assert "20,00\xa0$ / jour" in html
    assert "Presbytère en attente" not in html


def test_the_directory_searches_around_a_place_with_filters(client):
    kamouraska, montreal = place("Kamouraska"), place("Montréal")
    approved_space(name="Le Couvent des Idées", place=kamouraska, internet_mbps=150, closed_offices=2)
    approved_space(name="Mile End Cowork", place=montreal, internet_mbps=1000, closed_offices=5)

    page = client.get(reverse("coworking-list"), {"near": kamouraska.pk, "radius_km": 100, "closed_office": "1"})

    html = page.content.decode()
    assert "Le Couvent des Idées" in html and "Mile End Cowork" not in html
    assert "1 espace trouvé" in html
    assert "0 km" in html


def test_bad_search_input_is_listed_on_the_page(client):
    page = client.get(reverse("coworking-list"), {"min_mbps": "vite", "max_day_price": "-4"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "La vitesse minimale doit être un nombre entier de Mbit/s." in html
    assert "Le prix maximum doit être un montant positif." in html


def test_a_space_page_shows_what_it_offers_and_its_prices(client):
    space = approved_space(
        name="La Gare du Fleuve", place=place("Rivière-du-Loup"), internet_mbps=1000, price_month="275", desks=24
    )
    html = client.get(reverse("coworking-detail", args=[space.slug])).content.decode()
    assert "1000 Mbit/s" in html and "275,00\xa0$" in html and "<strong>24</strong>" in html
    assert "Modifier" not in html


def test_a_space_without_coordinates_says_it_is_not_found_by_distance(client):
    space = approved_space(name="Atelier sans adresse")
    html = client.get(reverse("coworking-detail", args=[space.slug])).content.decode()
    assert "Position inconnue : cet espace n'apparaît pas dans les recherches par distance." in html


def test_an_unapproved_space_is_not_found_except_by_its_proposer(client):
    proposer = UserFactory()
    space = space_propose(user=proposer, data={"name": "Presbytère"})
    url = reverse("coworking-detail", args=[space.slug])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(proposer)
    assert "attend l'approbation" in client.get(url).content.decode()


def test_proposing_a_space_from_the_form(client):
    kamouraska = place("Kamouraska")
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("coworking-propose"),
        {
            "name": "Le Couvent des Idées",
            "municipality": kamouraska.pk,
            "municipality_name": "Kamouraska",
            "price_day": "20,00",
            "internet_mbps": "150",
            "closed_offices": "4",
            "photos": [upload(image_bytes(width=400, height=300))],
        },
    )

    space = CoworkingSpace.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/coworking/{space.slug}/"
    assert space.status == SpaceStatus.PROPOSED and space.municipality == kamouraska
    assert space.photos.count() == 1


def test_a_refused_form_shows_each_error_and_saves_nothing(client):
    client.force_login(UserFactory())
    response = client.post(reverse("coworking-propose"), {"name": "", "price_day": "-3", "internet_mbps": "900000"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html
    assert "Un prix ne peut pas être négatif." in html
    assert "vérifiez le chiffre (Mbit/s, pas kbit/s)" in html
    assert not CoworkingSpace.objects.exists()


def test_proposing_needs_an_account(client):
    response = client.get(reverse("coworking-propose"))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_only_its_managers_open_the_edit_page(client):
    space = approved_space(name="La Gare du Fleuve", price_day="30")
    url = reverse("coworking-update", args=[space.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Volée", "price_day": "1"}).status_code == 403
    space.refresh_from_db()
    assert space.name == "La Gare du Fleuve"

    client.force_login(space.managers.get())
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "La Gare du Fleuve", "price_day": "28"})
    assert response.status_code == 302
    space.refresh_from_db()
    assert str(space.price_day) == "28.00"


def test_staff_approve_from_their_page_and_the_proposer_is_told(client):
    proposer = UserFactory()
    space = space_propose(user=proposer, data={"name": "Presbytère partagé"})
    client.force_login(UserFactory())
    assert client.get(reverse("coworking-review")).status_code == 403
    assert client.post(reverse("coworking-review-decide", args=[space.pk]), {"decision": "approve"}).status_code == 403

    client.force_login(UserFactory(is_staff=True))
    assert "Presbytère partagé" in client.get(reverse("coworking-review")).content.decode()
    response = client.post(reverse("coworking-review-decide", args=[space.pk]), {"decision": "approve"})

    assert response.status_code == 302
    space.refresh_from_db()
    assert space.status == SpaceStatus.APPROVED
    assert Notification.objects.filter(recipient=proposer).count() == 1
