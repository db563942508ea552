from django.urls import path

from search import views

urlpatterns = [
    path("mrc/", views.MrcListView.as_view(), name="mrc-list"),
    path("mrc/<slug:slug>/", views.MrcDetailView.as_view(), name="mrc-detail"),
    path("recherche/pigistes/", views.FreelancerSearchView.as_view(), name="freelancer-search"),
    path("recherche/projets/", views.ProjectSearchView.as_view(), name="project-search"),
    path("recherche/sauvegardees/", views.SavedSearchCreateView.as_view(), name="saved-search-create"),
    path(
        "recherche/sauvegardees/<int:pk>/supprimer/",
        views.SavedSearchDeleteView.as_view(),
        name="saved-search-delete",
    ),
]
