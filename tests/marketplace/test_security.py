"""Production settings and security headers: deploy check, hosts, HTTPS, cookies, CSP, CSRF."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "pigiste.example,www.pigiste.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://pigiste.example,https://www.pigiste.example",
    "SITE_URL": "https://pigiste.example",
    "LOG_FORMAT": "json",
}


def _manage(*args, env):
    full_env = {**os.environ, **env}
    # The subprocess must not inherit test-only leftovers; it reads only what a server would get.
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_without_https_settings():
    env = {**PRODUCTION_ENV, "DJANGO_HTTPS": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr


def test_wildcard_allowed_host_is_refused_at_startup():
    result = _manage("check", env={"DJANGO_ALLOWED_HOSTS": "pigiste.example,*"})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list the site's host names; a wildcard ('*') is refused" in result.stderr


def test_wildcard_csrf_origin_is_refused_at_startup():
    result = _manage("check", env={"DJANGO_CSRF_TRUSTED_ORIGINS": "https://*"})
    assert result.returncode != 0
    assert "DJANGO_CSRF_TRUSTED_ORIGINS must list full origins" in result.stderr


def test_production_refuses_the_development_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    env.pop("DJANGO_SECRET_KEY")
    result = _manage(
        "check", env={**env, "DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789"}
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a long random value in production" in result.stderr


DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # noqa: S105 (the one refused)


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("https", "command"), [("0", ["check"]), ("0", ["check", "--deploy"]), ("1", ["check"])], ids=str
)
def test_the_development_secret_key_is_refused_whenever_debug_is_off(https, command):
    result = _manage(*command, env={**PRODUCTION_ENV, "DJANGO_HTTPS": https, "DJANGO_SECRET_KEY": DEV_SECRET_KEY})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a long random value in production (DJANGO_DEBUG is off)" in result.stderr
    assert "The development key is accepted only with DJANGO_DEBUG=1." in result.stderr


@pytest.mark.embedded
def test_no_secret_key_at_all_is_refused_with_debug_off():
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_HTTPS": "0"}
    for name in ("DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a long random value in production" in result.stderr


@pytest.mark.embedded
def test_a_real_secret_key_starts_without_https_and_the_development_key_with_debug_on():
    real = _manage("check", env={**PRODUCTION_ENV, "DJANGO_HTTPS": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})
    # `make run`: DJANGO_DEBUG=1 and nothing else to set.
    development = _manage("check", env={"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": DEV_SECRET_KEY})

    assert real.returncode == 0, real.stderr
    assert development.returncode == 0, development.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("about"))

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.embedded
def test_pages_and_the_api_deny_browser_features_the_site_never_uses(client, db):
    for url in (reverse("about"), "/api/v1/projects/"):
        response = client.get(url)

        policy = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics", "fullscreen"):
            assert policy[feature] == "()", (url, feature)


@pytest.mark.django_db
def test_https_site_sends_hsts_and_redirects_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = client.get(reverse("about"))
    secure = client.get(reverse("about"), secure=True)

    assert plain.status_code == 301 and plain["Location"] == "https://testserver/a-propos/"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_http_only_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    UserFactory(email="lea@exemple.qc.ca")

    page = client.get(reverse("account_login"), secure=True)
    login = client.post(
        reverse("account_login"),
        {"login": "lea@exemple.qc.ca", "password": "motdepasse-solide-123"},
        secure=True,
    )

    csrf_cookie = page.cookies["csrftoken"]
    session_cookie = login.cookies["sessionid"]
    assert login.status_code == 302
    for cookie in (csrf_cookie, session_cookie):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_request_with_a_foreign_host_header_is_refused(client):
    response = client.get(reverse("about"), HTTP_HOST="evil.example")
    assert response.status_code == 400


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_and_logs_nobody_in():
    UserFactory(email="lea@exemple.qc.ca")
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("account_login"), {"login": "lea@exemple.qc.ca", "password": "motdepasse-solide-123"}
    )

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_probes_answer_over_plain_http_and_any_host_even_with_ssl_redirect(client, settings):
    # Orchestrators call the container by IP over HTTP: probes must not be redirected or refused.
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.12:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_500_page_renders_without_a_request_or_a_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Oups, une erreur de notre côté" in html
    assert "<script" not in html


def test_the_api_docs_run_under_the_same_policy_with_no_inline_code(client):
    response = client.get("/api/docs/")

    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<style" not in html
    assert "<script>" not in html
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
