"""The API as a member calls it: a client that sends their personal token."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_token(user) -> str:
    """The member's personal API token, created on first use as the account page does."""
    return Token.objects.get_or_create(user=user)[0].key


def api_as(user, *, default_format: str = "json") -> APIClient:
    """An API client signed in with `user`'s token; uploads pass `default_format="multipart"`."""
    api = APIClient()
    api.default_format = default_format
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return api
