"""Staff sign in through the site's login: the admin has no password form of its own to brute-force."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PASSWORD = "motdepasse-solide-123"


@pytest.fixture
def staff():
    return UserFactory(email="admin@exemple.qc.ca", password=PASSWORD, is_staff=True, is_superuser=True)


def test_the_admin_login_sends_visitors_to_the_site_login_and_back(client):
    response = client.get("/admin/login/?next=/admin/profiles/user/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fprofiles%2Fuser%2F"


def test_a_password_posted_to_the_admin_login_is_never_checked(client, staff):
    responses = [client.post("/admin/login/", {"username": staff.email, "password": "mauvais"}) for _ in range(40)]
    right = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert {response.status_code for response in responses} == {302}
    assert right.status_code == 302 and right["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_locked_out_of_the_site_login_cannot_reach_the_admin(client, staff):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": staff.email, "password": "mauvais"})

    locked = client.post(url, {"login": staff.email, "password": PASSWORD})

    assert "Trop de tentatives de connexion échouées" in locked.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_signed_in_through_the_site_login_reach_the_admin(client, staff):
    signed_in = client.post(reverse("account_login") + "?next=/admin/", {"login": staff.email, "password": PASSWORD})

    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Already signed in, the admin's login page sends them on.
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


def test_a_member_without_staff_rights_is_told_so_by_the_admin(client):
    member = UserFactory(password=PASSWORD)
    client.force_login(member)

    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert member.email in response.content.decode()
