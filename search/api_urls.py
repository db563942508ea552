from django.urls import path

from search import api

urlpatterns = [
    path("search/freelancers/", api.FreelancerSearchApi.as_view(), name="api-search-freelancers"),
    path("search/projects/", api.ProjectSearchApi.as_view(), name="api-search-projects"),
    path("search/coworking/", api.CoworkingSearchApi.as_view(), name="api-search-coworking"),
    path("search/autocomplete/skills/", api.SkillAutocompleteApi.as_view(), name="api-autocomplete-skills"),
    # Municipality autocomplete is the profiles app's /api/v1/municipalities/?q= (one endpoint for it).
    path("map/", api.MapApi.as_view(), name="api-map"),
    path("mrc/", api.MrcListApi.as_view(), name="api-mrc-list"),
    path("mrc/<slug:slug>/", api.MrcDetailApi.as_view(), name="api-mrc-detail"),
    path("search/saved/", api.SavedSearchListApi.as_view(), name="api-saved-searches"),
    path("search/saved/<int:pk>/", api.SavedSearchDetailApi.as_view(), name="api-saved-search-detail"),
    path(
        "projects/<int:pk>/nearby-freelancers/",
        api.ProjectNearbyFreelancersApi.as_view(),
        name="api-project-nearby-freelancers",
    ),
]
