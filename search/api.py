"""/api/v1/search/: freelancer and project search, autocomplete, saved searches (thin: selectors and services)."""

from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from search import selectors, services
from search.params import freelancer_search_params, project_search_params
from search.urls_helpers import profile_url, project_url


def _municipality(municipality):
    if municipality is None:
        return None
    return {
        "id": municipality.pk,
        "name": municipality.name,
        "region": municipality.region,
        "region_name": municipality.get_region_display(),
    }


def _decimal(value):
    return None if value is None else str(value)


def _distance(hit):
    return None if hit.distance_km is None else round(hit.distance_km, 1)


def _envelope(result, results):
    return {
        "count": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "backend": result.backend,
        "notice": result.notice,
        "results": results,
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in result.facets.items()
        },
        "suggestions": result.suggestions,
    }


class FreelancerSearchApi(APIView):
    """Search freelancers: q, skills, category, region, near, radius_km, rate_min, rate_max, language,
    availability, min_rating, sort (relevance|distance|rate|rating), page, page_size (≤ 50)."""

    permission_classes = [AllowAny]

    def get(self, request):
        params = freelancer_search_params(request.query_params)
        result = selectors.freelancer_search(params=params)
        results = [
            {
                "id": p.pk,
                "display_name": p.display_name,
                "headline": p.headline,
                "hourly_rate": _decimal(p.hourly_rate),
                "municipality": _municipality(p.municipality),
                "travel_radius_km": p.travel_radius_km,
                "remote": p.remote,
                "skills": [s.name for s in p.skills.all()],
                "languages": p.languages,
                "availability": p.availability,
                "rating_average": _decimal(p.rating_average),
                "rating_count": p.rating_count,
                "distance_km": _distance(p.hit),
                "highlights": p.hit.highlights,
                "url": profile_url(p.pk),
            }
            for p in result.objects
        ]
        return Response(_envelope(result, results))


class ProjectSearchApi(APIView):
    """Search open projects: q, category, skills, region, budget_min, budget_max, near, radius_km, remote,
    posted_since (date or days), sort (relevance|date|budget|distance), page, page_size (≤ 50)."""

    permission_classes = [AllowAny]

    def get(self, request):
        params = project_search_params(request.query_params)
        result = selectors.project_search(params=params, user=request.user)
        results = [
            {
                "id": p.pk,
                "title": p.title,
                "category": p.category,
                "budget_type": p.budget_type,
                "budget_min": _decimal(p.budget_min),
                "budget_max": _decimal(p.budget_max),
                "municipality": _municipality(p.municipality),
                "remote": p.remote,
                "visibility": p.visibility,
                "skills": [s.name for s in p.skills.all()],
                "published_at": p.published_at,
                "quotes_due": p.quotes_due,
                "distance_km": _distance(p.hit),
                "highlights": p.hit.highlights,
                "url": project_url(p.pk),
            }
            for p in result.objects
        ]
        return Response(_envelope(result, results))


class SkillAutocompleteApi(APIView):
    """Skills matching what was typed (`q`), most used first."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"results": selectors.skill_autocomplete(q=request.query_params.get("q", ""))})


class MunicipalityAutocompleteApi(APIView):
    """Quebec municipalities matching what was typed (`q`), biggest first."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"results": selectors.municipality_autocomplete(q=request.query_params.get("q", ""))})


class SavedSearchInput(serializers.Serializer):
    query = serializers.CharField(max_length=2000, allow_blank=True, default="")
    frequency = serializers.ChoiceField(choices=["immediate", "daily"])
    name = serializers.CharField(max_length=120, allow_blank=True, default="")


def _saved(saved):
    return {
        "id": saved.pk,
        "name": saved.name,
        "query": saved.query,
        "frequency": saved.frequency,
        "created_at": saved.created_at,
    }


class SavedSearchListApi(APIView):
    """The caller's saved project searches (GET), or save one (POST: query, frequency, name)."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"results": [_saved(s) for s in selectors.saved_searches_for_user(user=request.user)]})

    def post(self, request):
        data = SavedSearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        from django.http import QueryDict

        params = project_search_params(QueryDict(data.validated_data["query"]))
        saved = services.saved_search_create(
            user=request.user,
            params=params,
            frequency=data.validated_data["frequency"],
            name=data.validated_data["name"],
        )
        return Response(_saved(saved), status=201)


class SavedSearchDetailApi(APIView):
    """Delete one of the caller's saved searches."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, pk: int):
        services.saved_search_delete(user=request.user, saved_search_id=pk)
        return Response(status=204)
