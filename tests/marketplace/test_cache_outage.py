"""Redis stops: every rate-limited form keeps working, limits count in the process, one warning each way."""

import logging

import pytest
from django.core.cache import caches
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.common import cache as shared_cache
from profiles.models import User
from projects.models import Project, Quote
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ProjectFactory, UserFactory
from tests.messaging.servers import RedisServer

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide-123"
QUOTE = {"amount": "1500.00", "pricing": "fixed", "delivery_days": 10, "charges_taxes": True, "message": "Bonjour"}


@pytest.fixture
def stopped_redis(settings):
    """The cache on a Redis of its own, which is then stopped."""
    redis = RedisServer()
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "marketplace.common.cache.RedisCacheWithLocalFallback",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    caches["default"].set("before-the-outage", 1)
    assert caches["default"].get("before-the-outage") == 1
    redis.stop()
    yield redis
    redis.stop()


def test_login_sign_up_publishing_and_quoting_work_while_redis_is_down(client, stopped_redis, caplog):
    UserFactory(email="lea@exemple.qc.ca", password=PASSWORD)
    caplog.set_level(logging.WARNING, logger="marketplace.common.cache")

    login = client.post(reverse("account_login"), {"login": "lea@exemple.qc.ca", "password": PASSWORD})
    assert login.status_code == 302
    client.logout()

    signup = client.post(
        reverse("account_signup"),
        {"name": "Nadia Roy", "email": "nadia@exemple.qc.ca", "password1": "Tres-Solide-2026!", "password2": "Tres-Solide-2026!"},
    )  # fmt: skip
    assert signup.status_code == 302
    assert User.objects.filter(email="nadia@exemple.qc.ca").exists()

    owner = UserFactory()
    api = APIClient()
    api.force_authenticate(owner)
    project = {
        "title": "Logo pour une microbrasserie",
        "description": "Nous ouvrons une microbrasserie à Kamouraska et cherchons un logo.",
        "category": "design",
        "skills": ["Design graphique"],
        "budget_type": "fixed",
        "budget_min": "500",
        "budget_max": "1500",
        "municipality": MunicipalityFactory().pk,
        "remote": True,
    }
    assert api.post("/api/v1/projects/", project, format="json").status_code == 201
    assert Project.objects.filter(owner=owner).count() == 1

    open_project = ProjectFactory()
    api.force_authenticate(FreelancerProfileFactory().user)
    assert api.post(f"/api/v1/projects/{open_project.pk}/quotes/", QUOTE, format="json").status_code == 201
    assert Quote.objects.filter(project=open_project).count() == 1

    # One line for the outage, not one per request.
    outage_lines = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage_lines) == 1


def test_the_login_lockout_still_holds_in_the_process_while_redis_is_down(client, stopped_redis):
    UserFactory(email="lea@exemple.qc.ca", password=PASSWORD)
    url = reverse("account_login")

    failures = [client.post(url, {"login": "lea@exemple.qc.ca", "password": "mauvais"}) for _ in range(5)]
    locked = client.post(url, {"login": "lea@exemple.qc.ca", "password": PASSWORD})

    assert [response.status_code for response in failures] == [200] * 5
    assert "Trop de tentatives de connexion échouées" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_when_redis_is_back_the_cache_uses_it_again_and_says_so(settings, caplog, monkeypatch):
    redis = RedisServer()
    redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "marketplace.common.cache.RedisCacheWithLocalFallback",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(shared_cache, "RETRY_EVERY_SECONDS", 0.0)
    caplog.set_level(logging.WARNING, logger="marketplace.common.cache")
    cache = caches["default"]
    try:
        redis.stop()
        assert cache.add("counter", 1) is True  # in memory
        assert cache.incr("counter") == 2
        redis.start()
        cache.set("shared", "oui")

        assert cache.get("shared") == "oui"
        messages = [record.getMessage() for record in caplog.records]
        assert len([m for m in messages if "unreachable" in m]) == 1
        assert len([m for m in messages if "back after" in m]) == 1
        assert [m for m in messages if "back after" in m][0].endswith("2 operations were served from memory.")
    finally:
        redis.stop()
