"""bench/data.py: the benchmarks' data, in every state, seeded once (PostgreSQL only: main pass)."""

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count

from bench import data
from engagements.models import Engagement
from profiles.models import FreelancerProfile, PortfolioItem, User
from projects.models import Project, ProjectStatus, Quote, QuoteStatus, Review

SIZES = {"profiles": 120, "projects": 300, "quotes": 600}


def _url() -> str:
    return f"postgres://x/{connection.settings_dict['NAME']}"


@pytest.mark.django_db
def test_seed_makes_every_project_status_and_quote_state_with_their_invariants():
    seeded = data.seed(_url(), **SIZES)

    assert FreelancerProfile.objects.count() == 120
    assert Project.objects.count() == 300
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(Quote.objects.values_list("status", flat=True)) == set(QuoteStatus.values)
    # One accepted quote, with its engagement, on each awarded or completed project; none elsewhere.
    accepted = Counter(Quote.objects.filter(status="accepted").values_list("project__status", flat=True))
    assert accepted == {
        "awarded": Project.objects.filter(status="awarded").count(),
        "completed": Project.objects.filter(status="completed").count(),
    }
    assert Engagement.objects.count() == sum(accepted.values())
    assert not Quote.objects.filter(project__status__in=["draft", "awaiting_email"]).exists()
    assert Quote.objects.filter(project_id=seeded.showcase_project_id).count() == 50
    assert Project.objects.get(pk=seeded.showcase_project_id).status == "open"
    assert Review.objects.filter(project__status="completed").count() == Review.objects.count() > 0
    assert PortfolioItem.objects.exists()
    # The profile's denormalised rating is the mean of its published client reviews.
    rated = FreelancerProfile.objects.filter(rating_count__gt=0).first()
    reviews = Review.objects.filter(subject_id=rated.user_id, author_is_client=True)
    assert rated.rating_count == reviews.count()
    assert float(rated.rating_average) == pytest.approx(sum(r.rating for r in reviews) / reviews.count(), abs=0.01)
    assert seeded.counts["quotes"] == Quote.objects.count()
    assert seeded.counts["projects.open"] == Project.objects.filter(status="open").count()


@pytest.mark.django_db
def test_seeded_accounts_sign_in_and_clients_own_their_live_projects(client):
    seeded = data.seed(_url(), **SIZES)

    account = next(a for a in seeded.clients if a.open_project_ids)
    assert client.login(email=account.email, password=seeded.password)
    live = Project.objects.filter(pk__in=account.open_project_ids, owner_id=account.user_id, status="open")
    assert live.annotate(n=Count("quotes")).filter(n__gt=0).count() == len(account.open_project_ids)
    freelancer = seeded.freelancers[0]
    assert FreelancerProfile.objects.get(pk=freelancer.profile_id).user_id == freelancer.user_id


@pytest.mark.django_db
def test_second_seed_with_the_same_sizes_returns_the_same_data_without_inserting():
    first = data.seed(_url(), **SIZES)
    users = User.objects.count()

    again = data.seed(_url(), **SIZES)

    assert again == first
    assert User.objects.count() == users
