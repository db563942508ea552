"""Links to objects owned by other apps, tolerant of their routes not being wired yet."""

from django.urls import NoReverseMatch, reverse


def profile_url(pk: int) -> str:
    try:
        return reverse("freelancer-detail", args=[pk])
    except NoReverseMatch:
        return ""


def project_url(pk: int) -> str:
    try:
        return reverse("project-detail", args=[pk])
    except NoReverseMatch:
        return ""
