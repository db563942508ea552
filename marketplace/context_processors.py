from django.conf import settings


def site(request):
    """Values every page template needs."""
    return {"SITE_NAME": "Pigiste QC", "SEARCH_BACKEND_IS_ELASTICSEARCH": bool(settings.ELASTICSEARCH_URL)}
