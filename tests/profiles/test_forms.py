"""The profile form and the API speak of the same fields as the profile service, and the form shows a profile as saved."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from profiles.api import ProfileInputSerializer, ProfileSerializer
from profiles.forms import ProfileForm
from profiles.models import FreelancerProfile
from profiles.services import PROFILE_FIELDS, profile_save
from tests.factories import FreelancerProfileFactory, SkillFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def test_the_form_the_api_and_the_service_take_the_same_profile_fields():
    assert set(ProfileForm.base_fields) - {"avatar", "remove_avatar"} == set(PROFILE_FIELDS)
    assert set(ProfileInputSerializer().fields) == set(PROFILE_FIELDS)
    assert set(PROFILE_FIELDS) <= set(ProfileSerializer.Meta.fields)


def test_a_profile_sent_back_unchanged_from_its_form_stays_as_it_was(db):
    profile = FreelancerProfileFactory(
        headline="Graphiste",
        hourly_rate=Decimal("72.50"),
        skills=[SkillFactory(name="Photo de produits"), SkillFactory(name="WordPress")],
        languages=["fr", "en"],
        availability="from_date",
        available_from=timezone.localdate() + datetime.timedelta(days=30),
        remote=False,
        travel_radius_km=80,
    )
    before = FreelancerProfile.objects.values().get(pk=profile.pk)
    initial = ProfileForm.initial_from(profile, profile.user)
    assert initial["hourly_rate"] == "72,50"
    assert initial["skills"] == "Photo de produits, WordPress"

    # What the browser posts back: the initial values as strings, the place by its id.
    posted = {name: value for name, value in initial.items() if name not in ("remote", "municipality", "languages")}
    posted["municipality"] = str(profile.municipality_id)
    form = ProfileForm(data={**posted, "languages": initial["languages"]})
    assert form.is_valid(), form.errors
    profile_save(user=profile.user, data=form.service_data())

    after = FreelancerProfile.objects.values().get(pk=profile.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Photo de produits", "WordPress"]
