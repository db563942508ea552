"""Saved searches: a new matching project notifies at once or in the daily digest, never twice."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from notifications.models import Notification
from notifications.texts import notification_text
from projects.models import Invitation, Visibility
from search.models import SavedSearch, SavedSearchMatch
from search.params import project_search_params
from search.services import saved_search_create, saved_searches_send_digests
from tests.factories import ProjectFactory, UserFactory

from .conftest import sync_index


def _save(user, query, frequency):
    saved = saved_search_create(user=user, params=project_search_params(QueryDict(query)), frequency=frequency)
    # Saved a minute ago, so projects published now are new to it.
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    return saved


@pytest.fixture
def freelancer(backend):
    return UserFactory(email="pigiste@exemple.qc.ca")


def test_immediate_saved_search_notifies_once_per_new_matching_project(freelancer):
    _save(freelancer, "q=logo", "immediate")
    ProjectFactory(title="Logo pour une érablière")
    ProjectFactory(title="Site web transactionnel")
    sync_index()
    notes = list(Notification.objects.filter(recipient=freelancer))
    assert [notification_text(n).title for n in notes] == ["Nouveau projet (« logo ») : Logo pour une érablière"]
    assert notes[0].kind == "saved_search_match"
    sync_index()  # the project is indexed again (e.g. edited): no second notification
    assert Notification.objects.filter(recipient=freelancer).count() == 1


def test_daily_saved_search_sends_one_digest(freelancer):
    saved = _save(freelancer, "category=design", "daily")
    ProjectFactory(title="Affiche", category="design")
    ProjectFactory(title="Dépliant", category="design")
    sync_index()
    assert Notification.objects.filter(recipient=freelancer).count() == 0
    assert saved_searches_send_digests() == 1
    note = Notification.objects.get(recipient=freelancer)
    text = notification_text(note)
    assert text.title == "2 nouveaux projets (Design graphique)"
    assert "Affiche" in text.body and "Dépliant" in text.body
    assert saved_searches_send_digests() == 0
    assert SavedSearchMatch.objects.filter(saved_search=saved, notified_at__isnull=True).count() == 0


def test_saved_search_never_reveals_invite_only_projects_of_others(freelancer):
    _save(freelancer, "q=logo", "immediate")
    other = UserFactory()
    secret = ProjectFactory(title="Logo secret", visibility=Visibility.INVITED)
    Invitation.objects.create(project=secret, freelancer=other)
    sync_index()
    assert not Notification.objects.filter(recipient=freelancer).exists()
    _save(other, "q=logo", "immediate")
    ProjectFactory(title="Logo public")
    sync_index()
    # The invited freelancer hears about both; the other one still about neither.
    titles = sorted(notification_text(n).title for n in Notification.objects.filter(recipient=other))
    assert titles == ["Nouveau projet (« logo ») : Logo public", "Nouveau projet (« logo ») : Logo secret"]
    heard = [notification_text(n).title for n in Notification.objects.filter(recipient=freelancer)]
    assert heard == ["Nouveau projet (« logo ») : Logo public"]
