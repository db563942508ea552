"""/api/v1/search/: freelancer and project search, skill autocomplete, saved searches (thin: selectors and services).

The two search endpoints are the hot path: they build plain dicts from the result cards (no
serializer on the way out) and render JSON only. The serializers below describe those shapes
for the OpenAPI schema.
"""

from django.http import QueryDict
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from collectives.models import CollectiveKind
from marketplace.common.api import error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.ratelimit import ratelimit
from profiles.models import Availability, Region
from projects.models import Category
from search import matching, selectors, services
from search.map import LAYERS as MAP_LAYERS
from search.map import MAX_RADIUS_KM as MAP_MAX_RADIUS_KM
from search.map import map_near, map_params, marker_data
from search.params import (
    COLLECTIVE_SCOPES,
    FREELANCER_SORTS,
    LANGUAGE_PATTERN,
    MAX_AMOUNT,
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    MAX_SPACE_MBPS,
    POSTED_SINCE_DAYS,
    PROJECT_SORTS,
    coworking_search_params,
    freelancer_search_params,
    project_search_params,
)
from search.urls_helpers import detail_url_maker

# --- Output shapes (documentation of the dicts built below) ---------------------------------------


class MunicipalityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField(help_text="Code de la région administrative (01 à 17).")
    region_name = serializers.CharField()
    mrc = serializers.CharField(allow_null=True, help_text="Slug de la MRC (kamouraska), ou null.")
    mrc_name = serializers.CharField(allow_null=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SuggestionSerializer(serializers.Serializer):
    label = serializers.CharField()
    query = serializers.CharField(help_text="La chaîne de requête de la recherche élargie.")


class _HitFields(serializers.Serializer):
    id = serializers.IntegerField()
    municipality = MunicipalityRefSerializer(allow_null=True)
    remote = serializers.BooleanField()
    skills = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True, help_text="Distance de `near`, en km (une décimale).")
    highlights = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Par champ, des extraits HTML échappés avec <mark> autour des mots trouvés.",
    )
    url = serializers.CharField()


class FreelancerHitSerializer(_HitFields):
    type = serializers.ChoiceField(
        choices=["freelancer", "collective"],
        help_text="« collective » : un collectif (filtre `collectives`); son nom est `display_name`, son type "
        "`collective_kind`, ses compétences celles de ses membres actifs.",
    )
    collective_kind = serializers.ChoiceField(choices=CollectiveKind.values, allow_null=True)
    member_count = serializers.IntegerField(allow_null=True, help_text="Membres actifs d'un collectif.")
    display_name = serializers.CharField()
    headline = serializers.CharField()
    hourly_rate = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    travel_radius_km = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField())
    availability = serializers.CharField()
    next_free_week = serializers.DateField(allow_null=True, help_text="Lundi de la prochaine semaine libre.")
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    rating_count = serializers.IntegerField()


class ProjectHitSerializer(_HitFields):
    title = serializers.CharField()
    category = serializers.CharField()
    budget_type = serializers.CharField()
    budget_min = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    visibility = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    quotes_due = serializers.DateField()


def _envelope_serializer(name: str, hit_serializer, facet_names: list[str]):
    return inline_serializer(
        name,
        fields={
            "count": serializers.IntegerField(),
            "page": serializers.IntegerField(),
            "page_size": serializers.IntegerField(),
            "pages": serializers.IntegerField(),
            "backend": serializers.ChoiceField(choices=["elasticsearch", "database"]),
            "notice": serializers.CharField(help_text="Non vide quand la recherche simplifiée a répondu."),
            "results": hit_serializer(many=True),
            "facets": inline_serializer(
                f"{name}Facets", fields={facet: FacetValueSerializer(many=True) for facet in facet_names}
            ),
            "suggestions": SuggestionSerializer(many=True),
        },
    )


def _parameter(name: str, type_=OpenApiTypes.STR, description: str = "", **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


# The page's form sends its empty date boxes: empty means no limit, as in `search.params`.
_DATE_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}

# Amounts in dollars: what `search.params` reads (never negative, at most MAX_AMOUNT).
_AMOUNT = {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT}

_COMMON_PARAMETERS = [
    _parameter("q", description="Mots cherchés (200 caractères au plus; la syntaxe est traitée comme des mots)."),
    _parameter("skills", description="Compétences (slug ou nom), répétées ou séparées par des virgules.", many=True),
    _parameter("category", description="Catégorie.", enum=["", *Category.values]),
    _parameter("region", description="Région administrative (01 à 17).", enum=["", *Region.values]),
    _parameter("mrc", description="MRC, par son slug (kamouraska) : voir /api/v1/mrc/."),
    _parameter("near", {"type": "integer", "minimum": 1}, "Identifiant de la municipalité d'où mesurer la distance."),
    _parameter(
        "radius_km",
        {"type": "number", "minimum": 0, "exclusiveMinimum": True},
        f"Rayon autour de `near`, qu'il demande (50 km par défaut; au-delà de {MAX_RADIUS_KM} km : partout).",
    ),
    _parameter("page", OpenApiTypes.INT, "Page (à partir de 1; plafonnée à la fenêtre de 10 000 résultats)."),
    _parameter("page_size", OpenApiTypes.INT, f"Résultats par page (20 par défaut, {MAX_PAGE_SIZE} au plus)."),
]
_BAD_INPUT = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Un message par paramètre refusé : {paramètre: [messages]}."),
    429: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Trop de recherches en peu de temps : {detail, retry_after}, en-tête Retry-After.",
    ),
}

# --- Helpers --------------------------------------------------------------------------------------


def _municipality(place):
    if place is None:
        return None
    return {
        "id": place.id,
        "name": place.name,
        "region": place.region,
        "region_name": place.region_name,
        "mrc": place.mrc_slug or None,
        "mrc_name": place.mrc_name or None,
    }


def _decimal(value):
    return None if value is None else str(value)


def _distance(hit):
    return None if hit.distance_km is None else round(hit.distance_km, 1)


def _collective_hit(card) -> dict:
    """A collective found by the freelancer search, in the shape of a freelancer hit."""
    return {
        "id": card.id,
        "type": "collective",
        "collective_kind": card.kind,
        "member_count": card.member_count,
        "display_name": card.name,
        "headline": card.kind_label,
        "hourly_rate": None,
        "municipality": _municipality(card.municipality),
        "travel_radius_km": card.travel_radius_km,
        "remote": card.remote,
        "skills": card.skills,
        "languages": [],
        "availability": "",
        "next_free_week": None,
        "rating_average": None,
        "rating_count": 0,
        "distance_km": _distance(card.hit),
        "highlights": card.hit.highlights,
        "url": card.url,
    }


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


# --- Views ----------------------------------------------------------------------------------------


class FreelancerSearchApi(APIView):
    """Search freelancers: words, filters, distance, facets, highlights; paged."""

    permission_classes = [AllowAny]
    # Nobody's identity changes a freelancer search: no session or token to look up.
    authentication_classes = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Chercher des pigistes",
        parameters=[
            *_COMMON_PARAMETERS,
            _parameter("rate_min", _AMOUNT, "Taux horaire minimum ($), au plus le maximum."),
            _parameter("rate_max", _AMOUNT, "Taux horaire maximum ($)."),
            _parameter("language", {"type": "string", "pattern": LANGUAGE_PATTERN}, "Langue parlée (fr, en, …)."),
            _parameter("availability", description="Disponibilité.", enum=["", *Availability.values]),
            _parameter(
                "min_rating",
                {"type": "number", "minimum": 0, "maximum": 5},
                "Évaluation moyenne minimale (0 : toutes).",
            ),
            _parameter(
                "free_from",
                _DATE_OR_EMPTY,
                "Disponible entre `free_from` et `free_to` (AAAA-MM-JJ) : libre toute la période "
                "(ni « non disponible », ni une semaine réservée). Dans les 12 prochains mois.",
            ),
            _parameter("free_to", _DATE_OR_EMPTY, "Fin de la période (pas avant `free_from`)."),
            _parameter("sort", description="Tri (distance : avec `near`).", enum=["", *FREELANCER_SORTS]),
            _parameter(
                "collectives",
                description="Collectifs : vide, les pigistes seulement; « include », les collectifs aussi; « only », "
                "les collectifs seulement. Les filtres propres aux personnes (taux, langue, disponibilité, "
                "période libre, évaluation) ne retiennent que des pigistes.",
                enum=["", *COLLECTIVE_SCOPES],
            ),
        ],
        responses={
            200: _envelope_serializer(
                "FreelancerSearchResult",
                FreelancerHitSerializer,
                ["skills", "regions", "mrcs", "categories", "languages", "availability"],
            ),
            **_BAD_INPUT,
        },
    )
    @ratelimit(scope="search", methods=("GET",))
    def get(self, request):
        params = freelancer_search_params(request.query_params)
        result = selectors.freelancer_search(params=params)
        url = detail_url_maker("freelancer-detail")
        results = [
            _collective_hit(p)
            if p.is_collective
            else {
                "id": p.id,
                "type": "freelancer",
                "collective_kind": None,
                "member_count": None,
                "display_name": p.display_name,
                "headline": p.headline,
                "hourly_rate": _decimal(p.hourly_rate),
                "municipality": _municipality(p.municipality),
                "travel_radius_km": p.travel_radius_km,
                "remote": p.remote,
                "skills": p.skills,
                "languages": p.languages,
                "availability": p.availability,
                "next_free_week": p.next_free_week,
                "rating_average": _decimal(p.rating_average),
                "rating_count": p.rating_count,
                "distance_km": _distance(p.hit),
                "highlights": p.hit.highlights,
                "url": url(p.id),
            }
            for p in result.objects
        ]
        return Response(_envelope(result, results))


class ProjectSearchApi(APIView):
    """Search the open projects the caller may see (invite-only ones when invited); paged."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Chercher des projets ouverts",
        parameters=[
            *_COMMON_PARAMETERS,
            _parameter("budget_min", _AMOUNT, "Budget minimum ($), au plus le maximum."),
            _parameter("budget_max", _AMOUNT, "Budget maximum ($)."),
            _parameter("remote", OpenApiTypes.BOOL, "Projets à distance (avec `near` : aussi ceux-là)."),
            _parameter(
                "posted_since",
                {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "pattern": POSTED_SINCE_DAYS}]},
                "Date (AAAA-MM-JJ) ou nombre de jours (4 chiffres au plus).",
            ),
            _parameter("sort", description="Tri (distance : avec `near`).", enum=["", *PROJECT_SORTS]),
        ],
        responses={
            200: _envelope_serializer(
                "ProjectSearchResult", ProjectHitSerializer, ["skills", "regions", "mrcs", "categories", "remote"]
            ),
            **_BAD_INPUT,
        },
    )
    @ratelimit(scope="search", methods=("GET",))
    def get(self, request):
        params = project_search_params(request.query_params)
        result = selectors.project_search(params=params, user=request.user)
        url = detail_url_maker("project-detail")
        results = [
            {
                "id": p.id,
                "title": p.title,
                "category": p.category,
                "budget_type": p.budget_type,
                "budget_min": _decimal(p.budget_min),
                "budget_max": _decimal(p.budget_max),
                "municipality": _municipality(p.municipality),
                "remote": p.remote,
                "visibility": p.visibility,
                "skills": p.skills,
                "published_at": p.published_at,
                "quotes_due": p.quotes_due,
                "distance_km": _distance(p.hit),
                "highlights": p.hit.highlights,
                "url": url(p.id),
            }
            for p in result.objects
        ]
        return Response(_envelope(result, results))


class SkillAutocompleteApi(APIView):
    """Skills matching what was typed (`q`), most used first."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Autocomplétion des compétences",
        parameters=[_parameter("q", description="Une partie du nom (accents et casse ignorés).")],
        responses=inline_serializer(
            "SkillAutocompleteResult",
            fields={
                "results": inline_serializer(
                    "SkillChoice", fields={"slug": serializers.CharField(), "name": serializers.CharField()}, many=True
                )
            },
        ),
    )
    def get(self, request):
        return Response({"results": selectors.skill_autocomplete(q=request.query_params.get("q", ""))})


class MrcSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    code = serializers.CharField(help_text="Numéro de la division de recensement (14 : Kamouraska).")
    region = serializers.CharField(help_text="Code de la région administrative (01 à 17).")
    region_name = serializers.CharField()
    freelancer_count = serializers.IntegerField(help_text="Pigistes dont le profil est public.")
    project_count = serializers.IntegerField(help_text="Projets publics ouverts aux soumissions.")
    url = serializers.CharField(help_text="Cette MRC dans l'API.")
    page_url = serializers.CharField(help_text="La page de la MRC sur le site.")


class MrcDetailSerializer(MrcSerializer):
    freelancer_search_url = serializers.CharField(help_text="La recherche de pigistes filtrée sur cette MRC.")
    project_search_url = serializers.CharField(help_text="La recherche de projets filtrée sur cette MRC.")


def _mrc(item, *, detail: bool = False) -> dict:
    mrc = item.mrc
    data = {
        "slug": mrc.slug,
        "name": mrc.name,
        "code": mrc.code,
        "region": mrc.region,
        "region_name": mrc.get_region_display(),
        "freelancer_count": item.freelancers,
        "project_count": item.projects,
        "url": reverse("api-mrc-detail", args=[mrc.slug]),
        "page_url": reverse("mrc-detail", args=[mrc.slug]),
    }
    if detail:
        data["freelancer_search_url"] = f"{reverse('api-search-freelancers')}?mrc={mrc.slug}"
        data["project_search_url"] = f"{reverse('api-search-projects')}?mrc={mrc.slug}"
    return data


class MrcListApi(APIView):
    """Every MRC, by region then name, with how many public freelancers and open projects it has."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Les MRC",
        operation_id="mrc_list",
        responses=inline_serializer("MrcList", fields={"results": MrcSerializer(many=True)}),
    )
    def get(self, request):
        return Response({"results": [_mrc(item) for item in selectors.mrc_list()]})


class MrcDetailApi(APIView):
    """One MRC with its counts and the links to the searches filtered on it."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Une MRC",
        operation_id="mrc_detail",
        responses={200: MrcDetailSerializer, **error_responses(404)},
    )
    def get(self, request, slug: str):
        return Response(_mrc(selectors.mrc_get_with_counts(slug=slug), detail=True))


class SavedSearchInput(JSONInputSerializer):
    query = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text="The query string of a project search (q=logo&remote=1), checked as GET /search/projects/ does.",
    )
    frequency = serializers.ChoiceField(choices=["immediate", "daily"])
    name = serializers.CharField(max_length=120, allow_blank=True, default="")


class SavedSearchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    query = serializers.CharField()
    frequency = serializers.CharField()
    created_at = serializers.DateTimeField()


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

    @extend_schema(
        summary="Mes recherches sauvegardées",
        responses=inline_serializer("SavedSearchList", fields={"results": SavedSearchSerializer(many=True)}),
    )
    def get(self, request):
        return Response({"results": [_saved(s) for s in selectors.saved_searches_for_user(user=request.user)]})

    @extend_schema(
        summary="Sauvegarder une recherche de projets",
        request=SavedSearchInput,
        responses={201: SavedSearchSerializer, **error_responses(409)},
    )
    def post(self, request):
        data = SavedSearchInput(data=request.data)
        data.is_valid(raise_exception=True)
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

    @extend_schema(summary="Supprimer une recherche sauvegardée", responses={204: None})
    def delete(self, request, pk: int):
        services.saved_search_delete(user=request.user, saved_search_id=pk)
        return Response(status=204)


# --- "Pigistes près de votre projet" (search/matching.py) ------------------------------------------


class NearbyFreelancerSerializer(serializers.Serializer):
    profile = serializers.IntegerField(help_text="The freelancer profile's id (POST /invitations/ invites it).")
    display_name = serializers.CharField()
    headline = serializers.CharField()
    municipality = MunicipalityRefSerializer(allow_null=True)
    distance_km = serializers.FloatField(allow_null=True, help_text="Great-circle km between the two places.")
    availability = serializers.ChoiceField(choices=Availability.choices)
    next_free_week = serializers.DateField(allow_null=True, help_text="The Monday of their next free week.")
    invited = serializers.BooleanField(help_text="Already invited to this project.")
    url = serializers.CharField()


def _nearby(entry) -> dict:
    profile, place = entry.profile, entry.profile.municipality
    return {
        "profile": profile.pk,
        "display_name": profile.display_name,
        "headline": profile.headline,
        "municipality": None
        if place is None
        else {
            "id": place.pk,
            "name": place.name,
            "region": place.region,
            "region_name": str(place.get_region_display()),
            "mrc": place.mrc.slug if place.mrc_id else None,
            "mrc_name": place.mrc.name if place.mrc_id else None,
        },
        "distance_km": None if entry.distance_km is None else round(entry.distance_km, 1),
        "availability": profile.availability,
        "next_free_week": entry.next_free_week,
        "invited": entry.invited,
        "url": reverse("freelancer-detail", args=[profile.pk]),
    }


class ProjectNearbyFreelancersApi(APIView):
    """Up to 10 freelancers who fit the caller's project, nearest first (its owner only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Pigistes près de votre projet",
        operation_id="project_nearby_freelancers",
        responses={
            200: inline_serializer("NearbyFreelancers", fields={"results": NearbyFreelancerSerializer(many=True)}),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        entries = matching.nearby_freelancers_for_owner(user=request.user, project_id=pk)
        return Response({"results": NearbyFreelancerSerializer([_nearby(e) for e in entries], many=True).data})


# --- Coworking spaces ------------------------------------------------------------------------------


class CoworkingHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    municipality = MunicipalityRefSerializer(allow_null=True)
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    desks = serializers.IntegerField()
    closed_offices = serializers.IntegerField()
    meeting_rooms = serializers.IntegerField()
    has_studio = serializers.BooleanField()
    internet_mbps = serializers.IntegerField(allow_null=True)
    price_hour = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    price_day = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    price_month = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    photo_url = serializers.CharField(help_text="The first photo's thumbnail, or empty.")
    distance_km = serializers.FloatField(allow_null=True, help_text="Distance de `near`, en km (une décimale).")
    url = serializers.CharField()


class CoworkingSearchApi(APIView):
    """Search the approved coworking spaces: around a municipality (nearest first) or all (by name); paged."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="search_coworking_spaces",
        summary="Chercher des espaces de travail partagés",
        parameters=[
            *(p for p in _COMMON_PARAMETERS if p.name in ("near", "radius_km")),
            _parameter(
                "min_mbps",
                {"type": "integer", "minimum": 0, "maximum": MAX_SPACE_MBPS},
                "Internet d'au moins (Mbit/s).",
            ),
            _parameter("closed_office", OpenApiTypes.BOOL, "Seulement les espaces avec un bureau fermé."),
            _parameter(
                "max_day_price", _AMOUNT, "Prix par jour maximum ($) : les espaces sans prix par jour sont exclus."
            ),
            *(p for p in _COMMON_PARAMETERS if p.name in ("page", "page_size")),
        ],
        responses={
            200: inline_serializer(
                "CoworkingSearchResult",
                fields={
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "page_size": serializers.IntegerField(),
                    "pages": serializers.IntegerField(),
                    "backend": serializers.ChoiceField(choices=["elasticsearch", "database"]),
                    "notice": serializers.CharField(help_text="Non vide quand la recherche simplifiée a répondu."),
                    "results": CoworkingHitSerializer(many=True),
                    "suggestions": SuggestionSerializer(many=True),
                },
            ),
            **_BAD_INPUT,
        },
    )
    @ratelimit(scope="search", methods=("GET",))
    def get(self, request):
        params = coworking_search_params(request.query_params)
        result = selectors.coworking_search(params=params)
        results = [
            {
                "id": s.id,
                "slug": s.slug,
                "name": s.name,
                "municipality": _municipality(s.municipality),
                "address": s.address,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "desks": s.desks,
                "closed_offices": s.closed_offices,
                "meeting_rooms": s.meeting_rooms,
                "has_studio": s.has_studio,
                "internet_mbps": s.internet_mbps,
                "price_hour": _decimal(s.price_hour),
                "price_day": _decimal(s.price_day),
                "price_month": _decimal(s.price_month),
                "photo_url": s.photo_url,
                "distance_km": _distance(s.hit),
                "url": s.url,
            }
            for s in result.objects
        ]
        body = _envelope(result, results)
        body.pop("facets")
        return Response(body)


# --- The map (/carte/) ----------------------------------------------------------------------------------


class MapMarkerSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(MAP_LAYERS), help_text="Pigiste, espace de travail ou événement.")
    id = serializers.IntegerField()
    name = serializers.CharField()
    latitude = serializers.FloatField(help_text="Un pigiste est placé au centre de sa municipalité.")
    longitude = serializers.FloatField()
    distance_km = serializers.FloatField(help_text="Distance de `lieu`, en km (une décimale).")
    url = serializers.CharField()
    detail = serializers.CharField(help_text="Titre du pigiste, municipalité de l'espace, date et lieu de l'événement.")


class MapResultSerializer(serializers.Serializer):
    place = MunicipalityRefSerializer()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    radius_km = serializers.FloatField()
    markers = MapMarkerSerializer(
        many=True, help_text="Les pigistes, puis les espaces, puis les événements, chacun du plus proche au plus loin."
    )


class MapApi(APIView):
    """The markers of the map near a place: freelancers, coworking spaces and upcoming events."""

    permission_classes = [AllowAny]
    authentication_classes = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="map_markers",
        summary="Carte : pigistes, espaces de travail et événements près d'un lieu",
        parameters=[
            _parameter("lieu", {"type": "integer", "minimum": 1}, "Identifiant de la municipalité.", required=True),
            _parameter(
                "rayon",
                {"type": "number", "minimum": 1, "maximum": MAP_MAX_RADIUS_KM},
                f"Rayon en km (50 par défaut, {MAP_MAX_RADIUS_KM} au plus).",
            ),
        ],
        responses={200: MapResultSerializer, **_BAD_INPUT},
    )
    @ratelimit(scope="search", methods=("GET",))
    def get(self, request):
        params = map_params(request.query_params, require_place=True)
        result = map_near(place=params.place, radius_km=params.radius_km)
        place = params.place
        return Response(
            {
                "place": {
                    "id": place.pk,
                    "name": place.name,
                    "region": place.region,
                    "region_name": place.get_region_display(),
                    "mrc": place.mrc.slug if place.mrc_id else None,
                    "mrc_name": place.mrc.name if place.mrc_id else None,
                },
                "latitude": place.latitude,
                "longitude": place.longitude,
                "radius_km": params.radius_km,
                "markers": [marker_data(marker) for marker in result.markers],
            }
        )
