from django.urls import path

from profiles import views

urlpatterns = [
    path("mon-profil/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("mon-profil/portfolio/", views.PortfolioManageView.as_view(), name="portfolio-manage"),
    path("mon-profil/calendrier/", views.BookedWeeksView.as_view(), name="booked-weeks"),
    path("mon-profil/bottin/", views.PeerListingUpdateView.as_view(), name="peer-listing-update"),
    path("bottin/", views.PeerDirectoryView.as_view(), name="peer-directory"),
    path(
        "mon-profil/portfolio/<int:pk>/modifier/",
        views.PortfolioItemUpdateView.as_view(),
        name="portfolio-item-update",
    ),
    path(
        "mon-profil/portfolio/<int:pk>/supprimer/",
        views.PortfolioItemDeleteView.as_view(),
        name="portfolio-item-delete",
    ),
    path("signaler/<str:kind>/<int:pk>/", views.ReportCreateView.as_view(), name="report-create"),
]
