"""Rate limits: our limiter (pages and API) and allauth's on login, sign-up and password reset."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from marketplace.common.errors import RateLimited
from marketplace.common.ratelimit import Rate, RateLimitExceeded, ratelimit_hit, retry_message
from tests.factories import UserFactory

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

User = get_user_model()
PASSWORD = "motdepasse-solide-123"
RETRY_RE = re.compile(r"Trop de tentatives en peu de temps\. Réessayez dans (\d+) secondes?\.")


# --- The limiter itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [("5/m", Rate(5, 60)), ("100/h", Rate(100, 3600)), ("3/10m", Rate(3, 600)), ("1/d", Rate(1, 86400))],
)
def test_rates_are_read_as_amount_per_period(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["5", "5/minute", "/m", "five/m", "5/0x"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError, match="Invalid rate"):
        Rate.parse(text)


def test_hits_beyond_the_rate_are_refused_until_the_window_ends():
    start = 1_000_040.0  # 20 s into a one-minute window (windows start at multiples of 60 s)
    results = [ratelimit_hit(scope="t", identity="ip:1.2.3.4", rate="3/m", now=start + i) for i in range(5)]
    assert results == [0, 0, 0, 37, 36]
    # Another identity and another scope count on their own.
    assert ratelimit_hit(scope="t", identity="ip:5.6.7.8", rate="3/m", now=start) == 0
    assert ratelimit_hit(scope="other", identity="ip:1.2.3.4", rate="3/m", now=start) == 0
    # The next window starts afresh.
    assert ratelimit_hit(scope="t", identity="ip:1.2.3.4", rate="3/m", now=start + 40) == 0


def test_retry_message_says_when_in_seconds_or_minutes():
    assert retry_message(1) == "Trop de tentatives en peu de temps. Réessayez dans 1 seconde."
    assert retry_message(45) == "Trop de tentatives en peu de temps. Réessayez dans 45 secondes."
    assert retry_message(1800) == "Trop de tentatives en peu de temps. Réessayez dans 30 minutes."


def test_the_limit_error_is_the_domain_rate_limited_error_with_when_to_retry():
    error = RateLimitExceeded(retry_after=12, scope="quote-submit")
    assert isinstance(error, RateLimited) and error.status_code == 429
    assert error.as_dict() == {
        "detail": "Trop de tentatives en peu de temps. Réessayez dans 12 secondes.",
        "retry_after": 12,
    }


# --- Pages and API ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_a_limited_page_answers_a_french_429_page_with_retry_after(client):
    statuses = [client.post("/test/limited/").status_code for _ in range(3)]
    refused = client.post("/test/limited/")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    text = refused.content.decode()
    wait = int(RETRY_RE.search(text).group(1))
    assert 1 <= wait <= 60
    assert refused["Retry-After"] == str(wait)
    assert "Un instant, s'il vous plaît" in text
    assert refused["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_reading_a_page_is_not_counted_unless_asked(client):
    assert [client.get("/test/limited/").status_code for _ in range(5)] == [200] * 5
    assert client.post("/test/limited/").status_code == 200
    # A class-based view limited on GET too.
    assert [client.get("/test/limited-class/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_anonymous_visitors_are_limited_per_ip(client):
    for _ in range(3):
        client.post("/test/limited/", REMOTE_ADDR="10.1.1.1")
    assert client.post("/test/limited/", REMOTE_ADDR="10.1.1.1").status_code == 429
    assert client.post("/test/limited/", REMOTE_ADDR="10.2.2.2").status_code == 200


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_a_signed_in_user_is_limited_across_ips(client):
    client.force_login(UserFactory())
    for index in range(3):
        assert client.post("/test/limited/", REMOTE_ADDR=f"10.3.3.{index}").status_code == 200
    assert client.post("/test/limited/", REMOTE_ADDR="10.9.9.9").status_code == 429


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_a_view_that_consumes_the_limit_itself_gets_the_429_page(client):
    assert client.post("/test/consume/").status_code == 200
    refused = client.post("/test/consume/")
    assert refused.status_code == 429
    assert "Réessayez dans" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 3600


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_the_api_answers_json_with_retry_after(client):
    assert [client.post("/api/v1/test/limited/").status_code for _ in range(2)] == [201, 201]
    refused = client.post("/api/v1/test/limited/")

    body = refused.json()
    assert refused.status_code == 429
    assert set(body) == {"detail", "retry_after"}
    assert 1 <= body["retry_after"] <= 60
    assert body["detail"] == retry_message(body["retry_after"])
    assert refused["Retry-After"] == str(body["retry_after"])


@pytest.mark.django_db
@pytest.mark.urls("tests.marketplace.ratelimit_urls")
def test_an_api_view_that_consumes_the_limit_itself_answers_the_same_json(client):
    assert client.post("/api/v1/test/consume/").status_code == 201
    refused = client.post("/api/v1/test/consume/")

    assert refused.status_code == 429
    body = refused.json()
    assert body["detail"] == retry_message(body["retry_after"])
    assert refused["Retry-After"] == str(body["retry_after"])


# --- allauth: login lockout, login, sign-up, password reset ---------------------------------------


@pytest.mark.django_db
def test_login_is_locked_after_five_failures_for_that_email(client):
    UserFactory(email="lea@exemple.qc.ca")
    other = UserFactory(email="marc@exemple.qc.ca")
    url = reverse("account_login")

    failures = [client.post(url, {"login": "lea@exemple.qc.ca", "password": "mauvais"}) for _ in range(5)]
    locked = client.post(url, {"login": "lea@exemple.qc.ca", "password": PASSWORD})

    assert all(response.status_code == 200 for response in failures)
    assert "Trop de tentatives de connexion échouées" not in failures[-1].content.decode()
    assert locked.status_code == 200
    assert "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement." in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The lockout is per account: someone else on the same network still gets in.
    assert client.post(url, {"login": other.email, "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.django_db
def test_login_attempts_beyond_the_per_ip_limit_get_the_429_page(client):
    url = reverse("account_login")
    for index in range(30):
        client.post(url, {"login": f"inconnu{index}@exemple.qc.ca", "password": "x"})

    refused = client.post(url, {"login": "encore@exemple.qc.ca", "password": "x"})

    assert refused.status_code == 429
    assert "Un instant, s'il vous plaît" in refused.content.decode()
    assert refused["Retry-After"] == "60"


@pytest.mark.django_db
def test_sign_ups_beyond_ten_an_hour_from_one_ip_are_refused(client):
    url = reverse("account_signup")
    for index in range(10):
        client.post(url, {"email": f"nouveau{index}@exemple.qc.ca", "password1": "a", "password2": "b"})

    refused = client.post(
        url, {"email": "onzieme@exemple.qc.ca", "password1": "Tres-Solide-2026!", "password2": "Tres-Solide-2026!"}
    )

    assert refused.status_code == 429
    assert "Un instant, s'il vous plaît" in refused.content.decode()
    assert not User.objects.filter(email="onzieme@exemple.qc.ca").exists()


@pytest.mark.django_db
def test_password_reset_is_limited_to_three_an_hour_per_email(client):
    UserFactory(email="lea@exemple.qc.ca")
    url = reverse("account_reset_password")

    accepted = [client.post(url, {"email": "lea@exemple.qc.ca"}).status_code for _ in range(3)]
    refused = client.post(url, {"email": "lea@exemple.qc.ca"})

    assert accepted == [302, 302, 302]
    assert refused.status_code == 429
    assert len(mail.outbox) == 3
