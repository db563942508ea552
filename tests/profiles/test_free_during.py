"""The one availability rule: free for the whole period, by the start date, no booked week in it."""

import datetime

import pytest

from profiles.models import Availability, BookedWeek, FreelancerProfile
from profiles.selectors import free_during, week_of, weeks_between
from tests.factories import FreelancerProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

MONDAY = datetime.date(2027, 1, 11)


def free_names(start, end=None):
    return set(
        free_during(FreelancerProfile.objects.all(), start=start, end=end).values_list("display_name", flat=True)
    )


def test_week_of_is_the_monday_of_any_day_of_that_week():
    assert {week_of(MONDAY + datetime.timedelta(days=n)) for n in range(7)} == {MONDAY}
    assert weeks_between(MONDAY + datetime.timedelta(days=3), MONDAY + datetime.timedelta(days=15)) == [
        MONDAY,
        MONDAY + datetime.timedelta(weeks=1),
        MONDAY + datetime.timedelta(weeks=2),
    ]


def test_a_booked_week_inside_the_period_leaves_the_freelancer_out():
    booked = FreelancerProfileFactory(display_name="Réservée")
    FreelancerProfileFactory(display_name="Libre")
    BookedWeek.objects.create(profile=booked, week_start=MONDAY + datetime.timedelta(weeks=1))

    assert free_names(MONDAY, MONDAY + datetime.timedelta(days=2)) == {"Réservée", "Libre"}
    assert free_names(MONDAY + datetime.timedelta(days=9)) == {"Libre"}
    assert free_names(MONDAY, MONDAY + datetime.timedelta(weeks=3)) == {"Libre"}


def test_not_available_and_available_later_are_left_out():
    FreelancerProfileFactory(display_name="Jamais", availability=Availability.UNAVAILABLE)
    FreelancerProfileFactory(
        display_name="Plus tard",
        availability=Availability.FROM_DATE,
        available_from=MONDAY + datetime.timedelta(days=20),
    )
    FreelancerProfileFactory(display_name="Déjà", availability=Availability.FROM_DATE, available_from=MONDAY)

    assert free_names(MONDAY) == {"Déjà"}
    assert free_names(MONDAY + datetime.timedelta(days=21)) == {"Déjà", "Plus tard"}


def test_an_end_before_the_start_means_the_start_week_alone():
    FreelancerProfileFactory(display_name="Libre")
    assert free_names(MONDAY, MONDAY - datetime.timedelta(days=30)) == {"Libre"}
