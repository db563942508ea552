"""Selectors: who sees what, sorting, and a constant number of queries on the hot pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.common.errors import NotFound
from projects import selectors
from projects.models import ProjectStatus, QuoteStatus, Visibility
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, ReviewFactory, UserFactory

from .factories import InvitationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_open_list_excludes_hidden_invite_only_drafts_and_past_due(owner):
    shown = ProjectFactory(owner=owner)
    ProjectFactory(is_hidden=True)
    ProjectFactory(visibility=Visibility.INVITED)
    ProjectFactory(status=ProjectStatus.DRAFT)
    ProjectFactory(status=ProjectStatus.AWARDED)
    ProjectFactory(quotes_due=timezone.localdate() - datetime.timedelta(days=1))
    QuoteFactory(project=shown)
    QuoteFactory(project=shown, status=QuoteStatus.WITHDRAWN)

    projects = list(selectors.project_list_open())

    assert [p.pk for p in projects] == [shown.pk]
    assert projects[0].quote_count == 1


def test_freelancer_sees_only_their_own_quote_and_the_count(project, freelancer, other_freelancer):
    mine = QuoteFactory(project=project, freelancer=freelancer)
    QuoteFactory(project=project, freelancer=other_freelancer, amount=Decimal("999"))

    page = selectors.project_detail_for_viewer(user=freelancer, project_id=project.pk)

    assert page.quotes == []
    assert page.my_quote == mine
    assert page.quote_count == 2
    assert page.can_quote is False


def test_owner_sees_every_quote_sorted(project, owner):
    cheap = QuoteFactory(project=project, amount=Decimal("1000"), delivery_days=30)
    fast = QuoteFactory(project=project, amount=Decimal("4000"), delivery_days=3)
    rated = QuoteFactory(project=project, amount=Decimal("2500"), delivery_days=10)
    profile = rated.freelancer.freelancer_profile
    profile.rating_average, profile.rating_count = Decimal("4.80"), 12
    profile.save()

    def order(sort):
        return [q.pk for q in selectors.project_detail_for_viewer(user=owner, project_id=project.pk, sort=sort).quotes]

    assert order("price") == [cheap.pk, rated.pk, fast.pk]
    assert order("-price") == [fast.pk, rated.pk, cheap.pk]
    assert order("delivery") == [fast.pk, rated.pk, cheap.pk]
    assert order("rating")[0] == rated.pk


def test_invite_only_project_is_visible_to_owner_invited_and_staff_only(owner):
    project = ProjectFactory(owner=owner, visibility=Visibility.INVITED)
    invited = InvitationFactory(project=project).freelancer
    staff = UserFactory(is_staff=True)

    for user in (owner, invited, staff):
        assert selectors.project_detail_for_viewer(user=user, project_id=project.pk).project == project
    for user in (UserFactory(), FreelancerProfileFactory().user):
        with pytest.raises(NotFound):
            selectors.project_detail_for_viewer(user=user, project_id=project.pk)


def test_draft_is_visible_to_its_owner_only(owner):
    project = ProjectFactory(owner=owner, status=ProjectStatus.DRAFT)
    assert selectors.project_detail_for_viewer(user=owner, project_id=project.pk).is_owner
    with pytest.raises(NotFound):
        selectors.project_detail_for_viewer(user=UserFactory(), project_id=project.pk)


def test_client_dashboard_counts_quotes_per_state(owner):
    project = ProjectFactory(owner=owner)
    QuoteFactory(project=project)
    QuoteFactory(project=project, status=QuoteStatus.SHORTLISTED)
    QuoteFactory(project=project, status=QuoteStatus.WITHDRAWN)

    [row] = selectors.client_dashboard(user=owner)

    assert (row.quote_count, row.live_quote_count, row.pending_quote_count) == (2, 2, 1)


def test_freelancer_dashboard_lists_quotes_and_unanswered_invitations(freelancer):
    quote = QuoteFactory(freelancer=freelancer)
    invitation = InvitationFactory(freelancer=freelancer)
    InvitationFactory(freelancer=freelancer, project=quote.project)  # already answered

    board = selectors.freelancer_dashboard(user=freelancer)

    assert [q.pk for q in board.quotes] == [quote.pk]
    assert [i.pk for i in board.invitations] == [invitation.pk]


# --- Query counts of the hot pages ---------------------------------------------------------------------


def _many_projects(n):
    for i in range(n):
        project = ProjectFactory()
        QuoteFactory(project=project)
        if i % 2:
            project.skills.set([])


def test_project_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    _many_projects(3)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("project-list")).status_code == 200
    _many_projects(20)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("project-list"))
    assert len(response.context["projects"]) == 20


def test_project_page_with_50_quotes_runs_a_constant_number_of_queries(
    client, owner, project, django_assert_max_num_queries
):
    for _ in range(50):
        QuoteFactory(project=project)
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("project-detail", args=[project.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].quotes) == 50
    with django_assert_max_num_queries(14):
        assert client.get(reverse("project-quotes-fragment", args=[project.pk])).status_code == 200


def test_dashboards_run_a_constant_number_of_queries(client, django_assert_max_num_queries):
    user = FreelancerProfileFactory().user
    for _ in range(15):
        project = ProjectFactory(owner=user)
        QuoteFactory(project=project)
        QuoteFactory(freelancer=user)
        InvitationFactory(freelancer=user)
        # Completed on both sides and not reviewed yet: listed under "À évaluer".
        ProjectFactory(owner=user, status=ProjectStatus.COMPLETED)
        QuoteFactory(
            freelancer=user, status=QuoteStatus.ACCEPTED, project=ProjectFactory(status=ProjectStatus.COMPLETED)
        )
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert len(response.context["client_projects"]) == 30
    assert len(response.context["freelancer"].quotes) == 30
    assert len(response.context["to_review"]) == 20  # the 20 most recent; more would crowd the page


def test_project_page_for_a_freelancer_runs_a_constant_number_of_queries(
    client, owner, project, freelancer, django_assert_max_num_queries
):
    QuoteFactory(project=project, freelancer=freelancer)
    for _ in range(10):
        ReviewFactory(
            project=ProjectFactory(owner=owner, status=ProjectStatus.COMPLETED),
            subject=owner,
            author=FreelancerProfileFactory().user,
            author_is_client=False,
            paid_as_agreed="yes",
        )
    client.force_login(freelancer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("project-detail", args=[project.pk]))
    assert response.context["page"].client_paid.yes == 10


def test_projects_to_review_are_the_completed_ones_of_both_parties_only(owner, freelancer, other_freelancer):
    completed = ProjectFactory(owner=owner, status=ProjectStatus.COMPLETED)
    QuoteFactory(project=completed, freelancer=freelancer, status=QuoteStatus.ACCEPTED)
    QuoteFactory(project=completed, freelancer=other_freelancer, status=QuoteStatus.DECLINED)
    ProjectFactory(owner=owner, status=ProjectStatus.AWARDED)

    assert selectors.projects_to_review(user=owner) == [completed]
    assert selectors.projects_to_review(user=freelancer) == [completed]
    assert selectors.projects_to_review(user=other_freelancer) == []
    ReviewFactory(project=completed, author=freelancer, subject=owner, author_is_client=False, paid_as_agreed="yes")
    assert selectors.projects_to_review(user=freelancer) == []
    assert selectors.projects_to_review(user=owner) == [completed]
