"""Two accepts racing in two threads, each with its own database connection: exactly one wins."""

import threading

import pytest
from django.db import connection

from marketplace.common.errors import Conflict
from notifications.models import Notification, NotificationKind
from projects import services
from projects.models import Project, ProjectStatus, Quote, QuoteStatus
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory


@pytest.fixture(scope="module")
def _sync_after_playwright():
    """After a browser test, Playwright's session event loop lingers in this thread and trips Django's
    async guard when the database is flushed at teardown; this module is plain synchronous code."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.mark.django_db(transaction=True)
def test_two_accepts_racing_in_two_threads_exactly_one_wins(_sync_after_playwright, transactional_db):
    project = ProjectFactory()
    first = QuoteFactory(project=project, freelancer=FreelancerProfileFactory().user)
    second = QuoteFactory(project=project, freelancer=FreelancerProfileFactory().user)
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(quote_id):
        try:
            barrier.wait(timeout=10)
            services.quote_accept(user=project.owner, quote_id=quote_id)
            outcomes[quote_id] = "won"
        except Conflict as exc:
            outcomes[quote_id] = str(exc.message)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=accept, args=(q.pk,)) for q in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == sorted(
        ["won", "Ce projet a déjà été attribué : une seule soumission peut être acceptée."]
    )
    winner_id = next(pk for pk, outcome in outcomes.items() if outcome == "won")
    loser_id = first.pk if winner_id == second.pk else second.pk
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED
    assert dict(Quote.objects.values_list("pk", "status")) == {
        winner_id: QuoteStatus.ACCEPTED,
        loser_id: QuoteStatus.DECLINED,
    }
    assert Notification.objects.filter(kind=NotificationKind.QUOTE_ACCEPTED).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.PROJECT_AWARDED_ELSEWHERE).count() == 1
