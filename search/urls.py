from django.urls import path

from search import views

urlpatterns = [
    path("mrc/", views.MrcListView.as_view(), name="mrc-list"),
    path("mrc/<slug:slug>/", views.MrcDetailView.as_view(), name="mrc-detail"),
    path("recherche/pigistes/", views.FreelancerSearchView.as_view(), name="freelancer-search"),
    path("carte/", views.MapView.as_view(), name="map"),
    # The directory of coworking spaces; their own pages are the coworking app's (coworking/urls.py).
    path("coworking/", views.CoworkingSearchView.as_view(), name="coworking-list"),
    path("recherche/projets/", views.ProjectSearchView.as_view(), name="project-search"),
    path("recherche/sauvegardees/", views.SavedSearchCreateView.as_view(), name="saved-search-create"),
    path(
        "recherche/sauvegardees/<int:pk>/supprimer/",
        views.SavedSearchDeleteView.as_view(),
        name="saved-search-delete",
    ),
]
