"""Search pages: find a freelancer, find projects, saved searches (thin: selectors and services)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.common.ratelimit import ratelimit
from marketplace.common.web_errors import catch_refusal
from profiles.models import Availability, Municipality, Region, Skill
from projects import selectors as project_selectors
from projects.models import Category
from search import selectors, services
from search.facets import LANGUAGE_LABELS
from search.map import DEFAULT_RADIUS_KM, MAP_RADIUS_CHOICES, map_near, map_params, marker_data
from search.models import SavedSearch
from search.params import (
    FreelancerSearchParams,
    ProjectSearchParams,
    coworking_search_params,
    freelancer_search_params,
    project_search_params,
)

RADIUS_CHOICES = [10, 25, 50, 100, 200, 500]


def _with_recommended_by(result):
    """Freelancer cards say "recommandé·e par N collègues": projects owns recommendations and counts them (one query)."""
    people = [card for card in result.objects if not card.is_collective]
    counts = project_selectors.recommended_by_counts(profile_ids=[card.id for card in people])
    for card in people:
        card.recommended_by = counts.get(card.id, 0)
    return result


class _SearchView(TemplateView):
    parse = None
    sort_choices: list = []

    def search(self, params):
        raise NotImplementedError

    @ratelimit(scope="search", methods=("GET",))
    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 200
        # Every error of the search form, listed by the page itself above the results.
        with catch_refusal(every=True) as refused:
            params = type(self).parse(request.GET)
        if refused:
            context["errors"] = refused.errors
            status = 400
        else:
            context["params"] = params
            context["result"] = self.search(params)
        context.update(self._form_context(request))
        return self.render_to_response(context, status=status)

    def _form_context(self, request):
        near_name = ""
        near = request.GET.get("near", "").strip()
        if near.isdigit():
            municipality = Municipality.objects.filter(pk=int(near)).first()
            near_name = municipality.name if municipality else ""
        chosen_skills = Skill.objects.filter(slug__in=request.GET.getlist("skills")).order_by("name")
        return {
            "form": request.GET,
            "near_name": near_name,
            "chosen_skills": chosen_skills,
            "categories": Category.choices,
            "regions": Region.choices,
            "mrc_choices": selectors.mrc_choices(),
            "radius_choices": RADIUS_CHOICES,
            "sort_choices": self.sort_choices,
        }


class FreelancerSearchView(_SearchView):
    template_name = "search/freelancer_search.html"
    parse = staticmethod(freelancer_search_params)
    sort_choices = [
        ("relevance", _("Pertinence")),
        ("distance", _("Distance")),
        ("rate", _("Taux horaire")),
        ("rating", _("Évaluation")),
    ]

    def search(self, params):
        return _with_recommended_by(selectors.freelancer_search(params=params))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["languages"] = [(code, str(label)) for code, label in LANGUAGE_LABELS.items()]
        context["availabilities"] = Availability.choices
        return context


class ProjectSearchView(_SearchView):
    template_name = "search/project_search.html"
    parse = staticmethod(project_search_params)
    sort_choices = [
        ("relevance", _("Pertinence")),
        ("date", _("Plus récents")),
        ("budget", _("Budget")),
        ("distance", _("Distance")),
    ]

    def search(self, params):
        return selectors.project_search(params=params, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frequencies"] = SavedSearch.Frequency.choices
        if self.request.user.is_authenticated:
            context["saved_searches"] = selectors.saved_searches_for_user(user=self.request.user)
        return context


class MrcListView(TemplateView):
    """Every MRC, grouped by region, with how many freelancers and open projects each has."""

    template_name = "search/mrc_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "regions": selectors.mrc_list_by_region()}


MRC_PAGE_SIZE = 12


def _page_number(raw: str) -> int:
    # A bad page number shows the first page: these are plain links, not a form to correct.
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 500 else 1


class MrcDetailView(TemplateView):
    """One MRC: its freelancers and its open public projects, each list paged (`page`, `page_projets`)."""

    template_name = "search/mrc_detail.html"

    def get_context_data(self, *, slug: str, **kwargs):
        mrc = selectors.mrc_get(slug=slug)
        freelancers = _with_recommended_by(
            selectors.freelancer_search(
                params=FreelancerSearchParams(
                    mrc=mrc.slug, page=_page_number(self.request.GET.get("page", "")), page_size=MRC_PAGE_SIZE
                )
            )
        )
        # Public projects only, whoever looks: this page is the MRC's shop window.
        projects = selectors.project_search(
            params=ProjectSearchParams(
                mrc=mrc.slug,
                sort="date",
                page=_page_number(self.request.GET.get("page_projets", "")),
                page_size=MRC_PAGE_SIZE,
            )
        )
        return {
            **super().get_context_data(**kwargs),
            "mrc": mrc,
            "title": selectors.mrc_title(mrc),
            "region_name": mrc.get_region_display(),
            "freelancers": freelancers,
            "projects": projects,
        }


class SavedSearchCreateView(LoginRequiredMixin, View):
    """Save the project search given in the `query` field."""

    def post(self, request):
        query = request.POST.get("query", "")[:2000]
        back = reverse("project-search") + (f"?{query}" if query else "")
        with catch_refusal(request, every=True):
            params = project_search_params(QueryDict(query))
            services.saved_search_create(
                user=request.user,
                params=params,
                frequency=request.POST.get("frequency", ""),
                name=request.POST.get("name", ""),
            )
            messages.success(request, _("Recherche sauvegardée : nous vous avertirons des nouveaux projets."))
        return HttpResponseRedirect(back)


class SavedSearchDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        # Already deleted (another tab): said on the search page rather than a 404.
        with catch_refusal(request, every=True):
            services.saved_search_delete(user=request.user, saved_search_id=pk)
            messages.success(request, _("Recherche sauvegardée supprimée."))
        return HttpResponseRedirect(reverse("project-search"))


class CoworkingSearchView(TemplateView):
    """/coworking/: the directory of approved spaces, searched around a place with filters (both backends)."""

    template_name = "coworking/space_list.html"

    @ratelimit(scope="search", methods=("GET",))
    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 200
        with catch_refusal(every=True) as refused:
            params = coworking_search_params(request.GET)
        if refused:
            context["errors"] = refused.errors
            status = 400
        else:
            context["params"] = params
            context["result"] = selectors.coworking_search(params=params)
        near = request.GET.get("near", "").strip()
        municipality = Municipality.objects.filter(pk=int(near)).first() if near.isdigit() and len(near) < 10 else None
        context.update(
            {
                "form": request.GET,
                "near_name": municipality.name if municipality else "",
                "radius_choices": RADIUS_CHOICES,
                "mbps_choices": [10, 25, 50, 100, 250, 500, 1000],
            }
        )
        return self.render_to_response(context, status=status)


class MapView(TemplateView):
    """/carte/: freelancers, coworking spaces and events near a place, listed and drawn on a map."""

    template_name = "search/map.html"

    @ratelimit(scope="search", methods=("GET",))
    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 200
        with catch_refusal(every=True) as refused:
            params = map_params(request.GET)
        if refused:
            context["errors"] = refused.errors
            status = 400
        elif params.place is not None:
            result = map_near(place=params.place, radius_km=params.radius_km)
            context["result"] = result
            context["markers"] = [marker_data(marker) for marker in result.markers]
            context["center"] = {
                "latitude": params.place.latitude,
                "longitude": params.place.longitude,
                "radius_km": params.radius_km,
            }
        # The place chosen, named in the form even when the rest was refused.
        place = params.place if not refused else None
        context.update(
            {
                "form": request.GET,
                "near_name": place.name if place else "",
                "radius_choices": MAP_RADIUS_CHOICES,
                "default_radius": DEFAULT_RADIUS_KM,
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            }
        )
        return self.render_to_response(context, status=status)
