from django.urls import path

from privacy import api

urlpatterns = [
    path("me/data-export/", api.DataExportApi.as_view(), name="api-data-export"),
    path("me/data-export/<uuid:token>/", api.DataExportDownloadApi.as_view(), name="api-data-export-download"),
    path("me/account/deletion/", api.AccountDeletionApi.as_view(), name="api-account-deletion"),
]
