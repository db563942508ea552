"""Booked weeks: the service's rules, « Mon calendrier », the API, and the next free week."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.common.errors import NotFound, ValidationFailed
from profiles import selectors, services
from profiles.models import Availability, BookedWeek, FreelancerProfile
from profiles.selectors import free_during, next_free_week, week_of, with_next_free_week
from search.models import SearchOutboxEntry
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

WEEK = datetime.timedelta(weeks=1)
DAY = datetime.timedelta(days=1)
URL = "/api/v1/me/booked-weeks/"


def this_monday() -> datetime.date:
    return week_of(timezone.localdate())


def booked(profile) -> list[datetime.date]:
    return list(BookedWeek.objects.filter(profile=profile).values_list("week_start", flat=True))


# --- The service -----------------------------------------------------------------------------------


def test_booking_weeks_keeps_exactly_the_given_mondays_and_reindexes_the_profile():
    profile = FreelancerProfileFactory()
    monday = this_monday()
    SearchOutboxEntry.objects.all().delete()

    services.booked_weeks_set(user=profile.user, weeks=[monday, (monday + 2 * WEEK).isoformat()])

    assert booked(profile) == [monday, monday + 2 * WEEK]
    assert SearchOutboxEntry.objects.filter(kind="profile", object_id=profile.pk).exists()

    services.booked_weeks_set(user=profile.user, weeks=[(monday + 3 * WEEK).isoformat()])
    assert booked(profile) == [monday + 3 * WEEK]


@pytest.mark.parametrize(
    ("week", "message"),
    [
        (lambda monday: monday + 2 * DAY, "n'est pas un lundi"),
        (lambda monday: monday - WEEK, "est déjà passée : elle ne peut plus être réservée"),
        (lambda monday: monday + 53 * WEEK, "est à plus de 52 semaines"),
        (lambda monday: "2027-02-30", "Entrez une date valide (AAAA-MM-JJ)."),
        (lambda monday: "lundi prochain", "Entrez une date valide (AAAA-MM-JJ)."),
        (lambda monday: "", "Entrez une date valide (AAAA-MM-JJ)."),
        (lambda monday: (monday + 2 * WEEK).strftime("%Y%m%d"), "Entrez une date valide (AAAA-MM-JJ)."),
    ],
    ids=["not-a-monday", "past-week", "too-far", "impossible-date", "not-a-date", "empty", "without-hyphens"],
)
def test_a_bad_week_refuses_the_whole_list_and_nothing_changes(week, message):
    profile = FreelancerProfileFactory()
    monday = this_monday()
    BookedWeek.objects.create(profile=profile, week_start=monday + WEEK)
    bad = week(monday)

    with pytest.raises(ValidationFailed) as refused:
        services.booked_weeks_set(user=profile.user, weeks=[monday + 4 * WEEK, bad])

    assert message in str(refused.value.errors["weeks"][0])
    assert booked(profile) == [monday + WEEK]


def test_the_current_week_and_the_52nd_week_ahead_can_be_booked():
    profile = FreelancerProfileFactory()
    monday = this_monday()

    services.booked_weeks_set(user=profile.user, weeks=[monday, monday + 52 * WEEK])

    assert booked(profile) == [monday, monday + 52 * WEEK]


def test_past_weeks_already_stored_are_pruned_not_refused():
    profile = FreelancerProfileFactory()
    monday = this_monday()
    BookedWeek.objects.create(profile=profile, week_start=monday - 3 * WEEK)

    services.booked_weeks_set(user=profile.user, weeks=[monday + WEEK])

    assert booked(profile) == [monday + WEEK]


def test_a_list_far_longer_than_a_calendar_is_refused_at_once():
    profile = FreelancerProfileFactory()

    with pytest.raises(ValidationFailed) as refused:
        services.booked_weeks_set(user=profile.user, weeks=["2027-02-30"] * 1000)

    assert refused.value.errors == {"weeks": ["53 semaines au plus."]}
    assert booked(profile) == []


def test_a_member_without_a_profile_is_told_to_create_one():
    with pytest.raises(NotFound):
        services.booked_weeks_set(user=UserFactory(), weeks=[this_monday()])


# --- The next free week ----------------------------------------------------------------------------


def test_the_next_free_week_skips_booked_weeks_and_respects_availability():
    today = datetime.date(2027, 1, 13)  # a Wednesday
    monday = datetime.date(2027, 1, 11)

    assert next_free_week(availability=Availability.NOW, available_from=None, booked=[], today=today) == monday
    assert (
        next_free_week(availability=Availability.NOW, available_from=None, booked=[monday, monday + WEEK], today=today)
        == monday + 2 * WEEK
    )
    assert next_free_week(availability=Availability.UNAVAILABLE, available_from=None, booked=[], today=today) is None
    # Available from a Wednesday: free from the next Monday on (free_during: available by the start).
    assert (
        next_free_week(
            availability=Availability.FROM_DATE, available_from=monday + WEEK + 2 * DAY, booked=[], today=today
        )
        == monday + 2 * WEEK
    )
    assert (
        next_free_week(
            availability=Availability.FROM_DATE,
            available_from=monday + WEEK,
            booked=[monday + WEEK],
            today=today,
        )
        == monday + 2 * WEEK
    )
    # A date already reached counts as "now".
    assert next_free_week(availability=Availability.FROM_DATE, available_from=monday, booked=[], today=today) == monday


def test_the_annotated_next_free_week_is_the_first_week_free_during_keeps():
    monday = this_monday()
    today = timezone.localdate()
    now = FreelancerProfileFactory(display_name="Libre")
    busy = FreelancerProfileFactory(display_name="Occupée")
    later = FreelancerProfileFactory(
        display_name="Plus tard", availability=Availability.FROM_DATE, available_from=monday + 3 * WEEK + DAY
    )
    FreelancerProfileFactory(display_name="Absente", availability=Availability.UNAVAILABLE)
    for n in (0, 1, 2, 4):
        BookedWeek.objects.create(profile=busy, week_start=monday + n * WEEK)
    BookedWeek.objects.create(profile=later, week_start=monday + 4 * WEEK)

    annotated = dict(with_next_free_week(FreelancerProfile.objects.all()).values_list("display_name", "next_free_week"))

    assert annotated == {"Libre": monday, "Occupée": monday + 3 * WEEK, "Plus tard": monday + 5 * WEEK, "Absente": None}
    for profile in (now, busy, later):
        week = annotated[profile.display_name]
        start = max(week, today)
        assert free_during(FreelancerProfile.objects.filter(pk=profile.pk), start=start).exists()
        earlier = [max(monday + n * WEEK, today) for n in range((week - monday).days // 7)]
        assert not any(free_during(FreelancerProfile.objects.filter(pk=profile.pk), start=d).exists() for d in earlier)


def test_free_beyond_every_bookable_week_still_gives_a_week():
    far = timezone.localdate() + 60 * WEEK
    profile = FreelancerProfileFactory(availability=Availability.FROM_DATE, available_from=far)

    shown = selectors.freelancer_get(profile_id=profile.pk)

    assert selectors.profile_next_free_week(shown) == week_of(far) + (WEEK if week_of(far) < far else 0 * WEEK)


def test_the_profile_page_shows_the_next_free_week(client):
    monday = this_monday()
    free = FreelancerProfileFactory()
    busy = FreelancerProfileFactory()
    BookedWeek.objects.create(profile=busy, week_start=monday)
    BookedWeek.objects.create(profile=busy, week_start=monday + WEEK)
    expected = monday + 2 * WEEK

    assert "Libre cette semaine" in client.get(reverse("freelancer-detail", args=[free.pk])).content.decode()
    page = client.get(reverse("freelancer-detail", args=[busy.pk])).content.decode()
    assert f"Libre à partir de la semaine du {expected.day} " in page


# --- The page --------------------------------------------------------------------------------------


def test_a_freelancer_books_two_weeks_and_sees_them_kept(client):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    monday = this_monday()
    weeks = [(monday + 2 * WEEK).isoformat(), (monday + 5 * WEEK).isoformat()]

    page = client.get(reverse("booked-weeks"))
    assert page.status_code == 200
    assert page.content.decode().count('name="weeks"') >= 27

    response = client.post(reverse("booked-weeks"), {"weeks": weeks}, follow=True)

    assert booked(profile) == [monday + 2 * WEEK, monday + 5 * WEEK]
    html = response.content.decode()
    assert "Votre calendrier est enregistré." in html
    for week in weeks:
        assert f'value="{week}" checked' in html
    assert f'value="{(monday + 3 * WEEK).isoformat()}" checked' not in html


def test_a_past_week_posted_by_hand_is_refused_with_the_message(client):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    monday = this_monday()
    BookedWeek.objects.create(profile=profile, week_start=monday + WEEK)
    past = monday - 2 * WEEK

    response = client.post(reverse("booked-weeks"), {"weeks": [past.isoformat(), (monday + 3 * WEEK).isoformat()]})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Rien n'a été enregistré" in html
    assert "est déjà passée : elle ne peut plus être réservée." in html
    assert booked(profile) == [monday + WEEK]
    # What was ticked stays ticked, so the freelancer only fixes the bad week.
    assert f'value="{(monday + 3 * WEEK).isoformat()}" checked' in html


def test_the_calendar_is_linked_from_the_profile_form_and_the_dashboard(client):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    assert reverse("booked-weeks") in client.get(reverse("profile-edit")).content.decode()
    assert reverse("booked-weeks") in client.get(reverse("dashboard")).content.decode()


def test_the_calendar_page_needs_a_sign_in(client):
    response = client.get(reverse("booked-weeks"))
    assert response.status_code == 302


# --- The API ---------------------------------------------------------------------------------------


def test_the_api_reads_and_replaces_the_booked_weeks():
    profile = FreelancerProfileFactory()
    monday = this_monday()
    api = api_as(profile.user)

    assert api.get(URL).json() == {"weeks": [], "next_free_week": monday.isoformat()}
    response = api.put(URL, {"weeks": [monday.isoformat(), (monday + WEEK).isoformat()]})

    assert response.status_code == 200
    assert response.json() == {
        "weeks": [monday.isoformat(), (monday + WEEK).isoformat()],
        "next_free_week": (monday + 2 * WEEK).isoformat(),
    }
    assert api.get(f"/api/v1/freelancers/{profile.pk}/").json()["next_free_week"] == (monday + 2 * WEEK).isoformat()


@pytest.mark.parametrize(
    "body",
    [
        {"weeks": ["PAST"]},
        {"weeks": ["2027-02-30"]},
        {"weeks": "2027-01-11"},
        {},
    ],
    ids=["past-week", "impossible-date", "not-a-list", "missing"],
)
def test_the_api_refuses_bad_weeks_with_a_field_message(body):
    profile = FreelancerProfileFactory()
    monday = this_monday()
    BookedWeek.objects.create(profile=profile, week_start=monday + WEEK)
    if body.get("weeks") == ["PAST"]:
        body = {"weeks": [(monday + 2 * WEEK).isoformat(), (monday - WEEK).isoformat()]}

    response = api_as(profile.user).put(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["weeks"][0]
    assert booked(profile) == [monday + WEEK]


def test_the_api_says_when_there_is_no_profile_yet():
    assert api_as(UserFactory()).get(URL).status_code == 404
    assert api_as(UserFactory()).put(URL, {"weeks": []}, format="json").status_code == 404
