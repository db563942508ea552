from django.urls import path

from search import views

urlpatterns = [
    path("recherche/pigistes/", views.FreelancerSearchView.as_view(), name="freelancer-search"),
    path("recherche/projets/", views.ProjectSearchView.as_view(), name="project-search"),
    path("recherche/sauvegardees/", views.SavedSearchCreateView.as_view(), name="saved-search-create"),
    path(
        "recherche/sauvegardees/<int:pk>/supprimer/",
        views.SavedSearchDeleteView.as_view(),
        name="saved-search-delete",
    ),
]
