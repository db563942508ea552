"""The site's URLs plus a few views limited the ways other apps will use the limiter."""

from django.http import HttpResponse
from django.urls import path
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.common.ratelimit import ratelimit, ratelimit_consume
from marketplace.urls import urlpatterns as site_urlpatterns


@ratelimit(scope="test-send", rate="3/m")
def limited_view(request):
    return HttpResponse("envoyé")


class LimitedClassView(View):
    @ratelimit(scope="test-class", rate="2/m", methods=("GET", "POST"))
    def get(self, request):
        return HttpResponse("page")


def consuming_view(request):
    # A view that checks the limit itself, e.g. only once the form is valid.
    ratelimit_consume(request=request, scope="test-consume", rate="1/h")
    return HttpResponse("fait")


class LimitedApi(APIView):
    permission_classes = []

    @ratelimit(scope="test-api", rate="2/m")
    def post(self, request):
        return Response({"ok": True}, status=201)


class ConsumingApi(APIView):
    permission_classes = []

    def post(self, request):
        ratelimit_consume(request=request, scope="test-api-consume", rate="1/h")
        return Response({"ok": True}, status=201)


@ratelimit(scope="test-always", rate="0/m", methods=("GET",))
def always_limited_view(request):
    return HttpResponse("jamais")


urlpatterns = [
    path("test/limited/", limited_view),
    path("test/limited-class/", LimitedClassView.as_view()),
    path("test/consume/", consuming_view),
    path("test/always-limited/", always_limited_view),
    path("api/v1/test/limited/", LimitedApi.as_view()),
    path("api/v1/test/consume/", ConsumingApi.as_view()),
    *site_urlpatterns,
]
