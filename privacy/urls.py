"""Privacy pages (Loi 25), included at the site root."""

from django.urls import path

from privacy import views

urlpatterns = [
    path("confidentialite/", views.PrivacyPolicyView.as_view(), name="privacy-policy"),
    path("compte/confidentialite/", views.PrivacySettingsView.as_view(), name="privacy-settings"),
    path("compte/confidentialite/archive/", views.DataExportRequestView.as_view(), name="data-export-request"),
    path(
        "compte/confidentialite/archive/<uuid:token>/",
        views.DataExportDownloadView.as_view(),
        name="data-export-download",
    ),
    path("compte/supprimer/", views.AccountDeleteView.as_view(), name="account-delete"),
    path("compte/jeton-api/", views.ApiTokenCreateView.as_view(), name="account-token-create"),
    path("compte/jeton-api/revoquer/", views.ApiTokenRevokeView.as_view(), name="account-token-revoke"),
    path("compte/courriels/", views.EmailPreferencesView.as_view(), name="email-preferences"),
]
