"""/api/v1/me/… for the Loi 25 rights: thin, the rules live in privacy.services, as for the pages."""

from __future__ import annotations

from django.contrib.auth import logout
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.common.api import error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.api_schema import documented
from marketplace.common.errors import NotFound
from marketplace.common.storage import private_file_response
from privacy import services as privacy
from privacy.models import DataExport

# --- Data archive ---------------------------------------------------------------------------------


class DataExportOut(serializers.Serializer):
    status = documented(serializers.CharField(), {"type": "string", "enum": list(DataExport.Status.values)})
    created_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="The download link works until then.")
    size = serializers.IntegerField(help_text="Bytes of the archive once ready.")
    download_url = serializers.SerializerMethodField(help_text="While the archive is ready; null otherwise.")

    def get_download_url(self, export) -> str | None:
        if export.status != DataExport.Status.READY:
            return None
        return reverse("api-data-export-download", args=[export.token])


class DataExportApi(APIView):
    """GET: my latest archive request and its state. POST: ask for a new archive, as the privacy page does."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: DataExportOut, **error_responses(404)},
        summary="Mon archive de données",
        description="404 until an archive was asked for.",
    )
    def get(self, request):
        export = privacy.data_export_latest(user=request.user)
        if export is None:
            raise NotFound(_("Vous n'avez pas encore demandé d'archive."))
        return Response(DataExportOut(export).data)

    @extend_schema(
        request=None,
        responses={202: DataExportOut, **error_responses(409)},
        summary="Demander mon archive de données",
        description=(
            "The archive is built in the background; the member gets an e-mail when it is ready, and GET "
            "gives its `download_url`. 409 while another one is being prepared."
        ),
    )
    def post(self, request):
        export = privacy.data_export_request(user=request.user)
        export.refresh_from_db()  # built already when tasks run at once (the embedded settings)
        return Response(DataExportOut(export).data, status=status.HTTP_202_ACCEPTED)


class DataExportDownloadApi(APIView):
    """The archive itself, for its owner only (the privacy page's « Télécharger l'archive »)."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # The archive is a file whatever the Accept header says; refusals stay JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP archive."),
            302: OpenApiResponse(description="On S3: a redirect to a signed address valid a few minutes."),
            **error_responses(404, 410),
        },
        operation_id="v1_me_data_export_download",
        summary="Télécharger mon archive de données",
        description="404 for an unknown link, someone else's or one not ready yet; 410 once expired.",
    )
    def get(self, request, token):
        export = privacy.data_export_get_for_download(user=request.user, token=token)
        return private_file_response(
            name=export.file_key, download_name=privacy.data_export_filename(export), content_type="application/zip"
        )


# --- Account deletion -----------------------------------------------------------------------------


class AccountDeletionInput(JSONInputSerializer):
    confirmation = serializers.CharField(
        max_length=254, trim_whitespace=False, help_text="The account's e-mail address, typed as on the page."
    )


class AccountDeletionOut(serializers.Serializer):
    purge_after = serializers.DateTimeField(help_text="The account is erased then, unless its owner signs in before.")


class AccountDeletionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AccountDeletionInput,
        responses={202: AccountDeletionOut, **error_responses(409)},
        summary="Supprimer mon compte",
        description=(
            f"Schedules the erasure {privacy.DELETION_GRACE_DAYS} days later, once `confirmation` is the account's "
            "e-mail (as the page asks). The API token is revoked and the session ends, as on the page; signing in "
            "again meanwhile (the site, or POST /api/v1/auth/token/) cancels it. 409 when already scheduled."
        ),
    )
    def post(self, request):
        data = AccountDeletionInput(data=request.data)
        data.is_valid(raise_exception=True)
        deletion = privacy.account_deletion_request(user=request.user, confirmation=data.validated_data["confirmation"])
        # Signed out, as on the page: signing in again is the deliberate act that cancels.
        logout(request._request)
        return Response(AccountDeletionOut(deletion).data, status=status.HTTP_202_ACCEPTED)
