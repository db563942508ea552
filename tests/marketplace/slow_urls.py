"""The site's URLs plus a view that takes its time and counts how many of it run at once."""

import threading
import time

from django.db import connections
from django.http import HttpResponse
from django.urls import path

from marketplace.urls import urlpatterns as site_urlpatterns
from profiles.models import User


class Running:
    """How many slow views run now, the most at once, and the connection each request's thread used."""

    lock = threading.Lock()
    now = 0
    most = 0
    connections: list = []

    @classmethod
    def reset(cls):
        cls.now = cls.most = 0
        cls.connections = []


def slow_view(request):
    with Running.lock:
        Running.now += 1
        Running.most = max(Running.most, Running.now)
    try:
        # A query, so that the request's thread holds a database connection when the view returns.
        members = User.objects.count()
        Running.connections.append(connections["default"])
        time.sleep(0.3)
    finally:
        with Running.lock:
            Running.now -= 1
    return HttpResponse(f"{members} membres")


urlpatterns = [path("lent/", slow_view), *site_urlpatterns]
