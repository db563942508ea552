"""The site's URLs plus media files served from MEDIA_ROOT, for the browser tests' screenshots.

Django's `static()` helper serves nothing when DEBUG is off, and each test has its own MEDIA_ROOT.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from marketplace.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
