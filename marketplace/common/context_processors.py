from django.conf import settings


def site(request):
    """Values every page template needs."""
    return {"SITE_NAME": settings.SITE_NAME, "SEARCH_BACKEND_IS_ELASTICSEARCH": bool(settings.ELASTICSEARCH_URL)}
