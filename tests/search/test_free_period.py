"""« Disponible entre … et … »: the same answers as profiles.selectors.free_during, on both backends."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from profiles import services
from profiles.models import Availability, BookedWeek, FreelancerProfile
from profiles.selectors import free_during, week_of
from tests.factories import FreelancerProfileFactory

from .conftest import drain, sync_index

FREELANCERS = "/api/v1/search/freelancers/"
WEEK = datetime.timedelta(weeks=1)
DAY = datetime.timedelta(days=1)


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {hit["display_name"] for hit in response.json()["results"]}


@pytest.fixture
def people(backend):
    monday = week_of(timezone.localdate())
    libre = FreelancerProfileFactory(display_name="Libre")
    reservee = FreelancerProfileFactory(display_name="Réservée")
    plus_tard = FreelancerProfileFactory(
        display_name="Plus tard", availability=Availability.FROM_DATE, available_from=monday + 3 * WEEK + 2 * DAY
    )
    FreelancerProfileFactory(display_name="Absente", availability=Availability.UNAVAILABLE)
    services.booked_weeks_set(user=reservee.user, weeks=[monday + 2 * WEEK, monday + 3 * WEEK])
    services.booked_weeks_set(user=plus_tard.user, weeks=[monday + 6 * WEEK])
    sync_index()
    return {"monday": monday, "libre": libre, "reservee": reservee, "plus_tard": plus_tard}


def expected(start, end) -> set[str]:
    return set(
        free_during(FreelancerProfile.objects.all(), start=start, end=end).values_list("display_name", flat=True)
    )


@pytest.mark.parametrize(
    ("start_days", "end_days", "found"),
    [
        (7, 10, {"Libre", "Réservée"}),
        (7, 16, {"Libre"}),
        (28, 31, {"Libre", "Réservée", "Plus tard"}),
        (28, 45, {"Libre", "Réservée"}),
        (35, None, {"Libre", "Réservée", "Plus tard"}),
    ],
)
def test_search_keeps_who_is_free_for_the_whole_period(people, start_days, end_days, found):
    start = people["monday"] + datetime.timedelta(days=start_days)
    end = people["monday"] + datetime.timedelta(days=end_days) if end_days is not None else None
    query = {"free_from": start.isoformat(), **({"free_to": end.isoformat()} if end else {})}

    assert names(APIClient().get(FREELANCERS, query)) == found == expected(start, end)


def test_a_changed_calendar_reaches_the_search(people):
    monday = people["monday"]
    query = {"free_from": (monday + 4 * WEEK).isoformat(), "free_to": (monday + 4 * WEEK + 2 * DAY).isoformat()}
    assert "Libre" in names(APIClient().get(FREELANCERS, query))

    services.booked_weeks_set(user=people["libre"].user, weeks=[monday + 4 * WEEK])
    drain()

    assert "Libre" not in names(APIClient().get(FREELANCERS, query))


def test_result_cards_show_the_next_free_week(people, client):
    monday = people["monday"]
    BookedWeek.objects.filter(profile=people["reservee"]).delete()
    services.booked_weeks_set(user=people["reservee"].user, weeks=[monday, monday + WEEK])
    drain()
    free_on = monday + 2 * WEEK

    hits = {hit["display_name"]: hit for hit in APIClient().get(FREELANCERS).json()["results"]}
    html = client.get(reverse("freelancer-search")).content.decode()

    assert hits["Réservée"]["next_free_week"] == free_on.isoformat()
    assert hits["Libre"]["next_free_week"] == monday.isoformat()
    assert hits["Absente"]["next_free_week"] is None
    assert "Libre cette semaine" in html
    assert f"Libre à partir de la semaine du {free_on.day} " in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"free_from": "2027-02-30"}, "free_from", "Date invalide : utilisez AAAA-MM-JJ."),
        ({"free_to": "demain"}, "free_to", "Date invalide : utilisez AAAA-MM-JJ."),
        ({"free_to": "20270111"}, "free_to", "Date invalide : utilisez AAAA-MM-JJ."),
        ({"free_from": "DAY+10", "free_to": "DAY+3"}, "free_to", "La fin de la période est avant son début."),
        ({"free_from": "DAY+800"}, "free_from", "Choisissez un début de période dans les 12 prochains mois."),
    ],
)
def test_a_bad_period_gets_a_clear_400(backend, params, field, message):
    today = timezone.localdate()
    params = {
        k: ((today + datetime.timedelta(days=int(v[4:]))).isoformat() if v.startswith("DAY+") else v)
        for k, v in params.items()
    }

    response = APIClient().get(FREELANCERS, params)

    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_the_search_page_names_a_bad_period_above_the_results(backend, client):
    today = timezone.localdate()
    response = client.get(
        reverse("freelancer-search"),
        {"free_from": (today + 9 * DAY).isoformat(), "free_to": (today + 2 * DAY).isoformat()},
    )

    assert "La fin de la période est avant son début." in response.content.decode()
