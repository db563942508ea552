"""Loi 25 rights that span every app: the data export, and the account deletion with its grace period.
Services (writes) and selectors (reads) in one module because they share their rules.

- Export: `data_export_request` records a request and starts `privacy.tasks.build_data_export`
  after commit; `data_export_build` writes ONE zip (data.json + the member's files, read through each
  file's storage so S3 works too) to the private storage under a random key; the link works for its
  owner only and for EXPORT_LINK_DAYS.
- Deletion: `account_deletion_request` (after the member typed their email) schedules the erasure
  DELETION_GRACE_DAYS later; signing in meanwhile cancels it (privacy/apps.py listens to profiles'
  sign-in hook); `account_deletions_purge_due` (task and `manage.py privacy_purge`) then calls
  `account_purge`.

Each app says what it holds about a member through its own `privacy.py` (`export_data`, `erase`);
this app sits above them all and calls them in order.
"""

from __future__ import annotations

import datetime
import json
import logging
import shutil
import tempfile
import uuid
import zipfile

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from collectives import privacy as collectives_privacy
from community import privacy as community_privacy
from coworking import privacy as coworking_privacy
from engagements import privacy as engagements_privacy
from invoicing import privacy as invoicing_privacy
from marketplace.common.emails import email_signature
from marketplace.common.errors import Conflict, Gone, NotFound, ValidationFailed
from marketplace.common.logging import current_request_id
from marketplace.common.mailer import email_send_after_commit
from marketplace.common.storage import private_storage, random_key, stored_files_delete
from messaging import privacy as messaging_privacy
from privacy.models import AccountDeletion, DataExport
from profiles import privacy as profiles_privacy
from profiles.models import User
from projects import privacy as projects_privacy
from search import privacy as search_privacy

logger = logging.getLogger(__name__)

EXPORT_LINK_DAYS = 7
DELETION_GRACE_DAYS = 30


# --- Data export ---------------------------------------------------------------------------------


def data_export_latest(*, user) -> DataExport | None:
    """The member's most recent export request, for the privacy page."""
    return DataExport.objects.filter(user_id=user.pk).first()


def data_export_get_for_download(*, user, token) -> DataExport:
    """The member's own ready export; NotFound for anyone else's (never says it exists), Gone once expired."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise NotFound(_("Cette archive n'existe pas.")) from None
    export = DataExport.objects.filter(token=token, user_id=user.pk).first()
    if export is None:
        raise NotFound(_("Cette archive n'existe pas."))
    if export.status == DataExport.Status.EXPIRED or (export.expires_at and export.expires_at <= timezone.now()):
        raise Gone(
            _("Ce lien a expiré : les archives restent disponibles %(days)s jours. Demandez-en une nouvelle.")
            % {"days": EXPORT_LINK_DAYS},
            action_url=reverse("privacy-settings"),
            action_label=_("Demander une nouvelle archive"),
        )
    if export.status != DataExport.Status.READY:
        raise NotFound(_("Cette archive n'est pas encore prête."))
    return export


def data_export_filename(export: DataExport) -> str:
    """The name the browser saves the archive under."""
    day = timezone.localdate(export.ready_at or export.created_at)
    return f"pigiste-qc-mes-donnees-{day:%Y-%m-%d}.zip"


@transaction.atomic
def data_export_request(*, user) -> DataExport:
    """Record a request for an archive of all the member's data and build it in the background."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # Serialises two clicks on the button.
    if DataExport.objects.filter(user_id=user.pk, status=DataExport.Status.PENDING).exists():
        raise Conflict(_("Une archive est déjà en préparation. Vous recevrez un courriel dès qu'elle sera prête."))
    export = DataExport.objects.create(user_id=user.pk)

    def enqueue():
        # privacy.tasks imports this module: the task is looked up when the commit is done.
        from privacy.tasks import build_data_export

        build_data_export.enqueue(export_id=export.pk, request_id=current_request_id())

    transaction.on_commit(enqueue)
    return export


def data_export_collect(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """Everything the member gave us or that is about them, and their files as `(archive path, FieldFile)`.

    Each app tells its own part through its privacy hook; none of them knows this app.
    """
    data: dict = {"generated_at": timezone.now()}
    files: list[tuple[str, object]] = []
    for export_data in (
        profiles_privacy.export_data,
        projects_privacy.export_data,
        messaging_privacy.export_data,
        search_privacy.export_data,
        collectives_privacy.export_data,
        coworking_privacy.export_data,
        community_privacy.export_data,
        engagements_privacy.export_data,
        invoicing_privacy.export_data,
    ):
        app_data, app_files = export_data(user=user)
        data.update(app_data)
        files += app_files
    return data, files


README_TEXT = """Pigiste QC — vos données

data.json : tout ce que vous nous avez confié ou qui vous concerne (compte, profil, portfolio,
projets, soumissions, invitations, évaluations écrites et reçues, conversations, avis, recherches
sauvegardées, signalements), au format JSON. Les dates sont en UTC (ISO 8601), les montants en
dollars canadiens.
fichiers/ : votre photo de profil, les images de votre portfolio et les pièces jointes que vous
avez envoyées dans vos conversations.
"""


def data_export_build(*, export_id: int) -> DataExport | None:
    """Write the archive of one pending request to private storage; safe to run twice."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    user = export.user
    try:
        data, files = data_export_collect(user=user)
        missing = []
        # A temporary file, not memory: portfolios and attachments can weigh hundreds of megabytes.
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for path, field_file in files:
                    try:
                        with field_file.storage.open(field_file.name, "rb") as source, archive.open(path, "w") as dest:
                            shutil.copyfileobj(source, dest, 1024 * 1024)
                    except (FileNotFoundError, OSError):
                        logger.warning("data export %s: file %s missing from storage", export.pk, field_file.name)
                        missing.append(path)
                data["missing_files"] = missing
                archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
                archive.writestr("LISEZMOI.txt", README_TEXT)
            size = spool.tell()
            spool.seek(0)
            key = private_storage.save(random_key(prefix="exports", extension="zip"), File(spool))
    except Exception:
        logger.exception("data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PENDING).update(
            status=DataExport.Status.FAILED, updated_at=timezone.now()
        )
        # Logged with its traceback; the member sees "Échec" and can ask again. Not re-raised so an
        # immediate task backend never turns a failed archive into an error page on the request.
        return DataExport.objects.get(pk=export.pk)
    now = timezone.now()
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export.pk)
        if export.status != DataExport.Status.PENDING:
            # Built twice at once: keep the first archive, drop ours.
            transaction.on_commit(lambda: stored_files_delete([(private_storage, key)]))
            return export
        export.status = DataExport.Status.READY
        export.file_key = key
        export.size = size
        export.ready_at = now
        export.expires_at = now + datetime.timedelta(days=EXPORT_LINK_DAYS)
        export.save()
        _notify_export_ready(export)
    return export


def _notify_export_ready(export: DataExport) -> None:
    # An email rather than a notification: no NotificationKind fits, and messaging owns that list.
    user = export.user

    # At most once: it leaves after the commit that made the archive ready, and a rerun of the task finds
    # it ready and stops before this. Should the relay refuse it, the privacy page still offers the link.
    with translation.override(user.language or "fr-ca"):
        expires = date_format(timezone.localtime(export.expires_at))  # "7 décembre 2026", "December 7, 2026"
        email_send_after_commit(
            to=user.email,
            subject=gettext("Votre archive de données est prête"),
            body=gettext(
                "Bonjour,\n\nL'archive de vos données %(name)s est prête. Téléchargez-la depuis la page "
                "Confidentialité de votre compte (connexion requise) avant le %(date)s :\n%(url)s"
            )
            % {"name": settings.SITE_NAME, "date": expires, "url": settings.SITE_URL + reverse("privacy-settings")}
            + "\n\n"
            + email_signature(),
        )


def data_exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the archives whose link expired; the rows stay, marked expired, so the page can say so."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now))
    for export in expired:
        with transaction.atomic():
            DataExport.objects.filter(pk=export.pk).update(
                status=DataExport.Status.EXPIRED, file_key="", updated_at=now
            )
            if export.file_key:
                key = export.file_key
                transaction.on_commit(lambda key=key: stored_files_delete([(private_storage, key)]))
    return len(expired)


# --- Account deletion ----------------------------------------------------------------------------


def account_deletion_pending(*, user) -> AccountDeletion | None:
    """The member's scheduled deletion, if any."""
    return AccountDeletion.objects.filter(user_id=user.pk, status=AccountDeletion.Status.PENDING).first()


@transaction.atomic
def account_deletion_request(*, user, confirmation: str) -> AccountDeletion:
    """Schedule the erasure of the member's account DELETION_GRACE_DAYS from now, once they typed their email."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.erased_at is not None:
        raise Conflict(_("Ce compte est déjà supprimé."))
    pending = account_deletion_pending(user=locked)
    if pending is not None:
        raise Conflict(
            _("La suppression de votre compte est déjà prévue le %(date)s. Connectez-vous d'ici là pour l'annuler.")
            % {"date": date_format(timezone.localtime(pending.purge_after), "j F Y")}
        )
    if (confirmation or "").strip().lower() != locked.email.lower():
        raise ValidationFailed(
            _("Tapez exactement votre adresse courriel pour confirmer la suppression."), field="confirmation"
        )
    # Signed out of the site and of the API alike: a script keeps no access through the grace period.
    Token.objects.filter(user=locked).delete()
    return AccountDeletion.objects.create(
        user=locked, purge_after=timezone.now() + datetime.timedelta(days=DELETION_GRACE_DAYS)
    )


def account_deletion_cancel_on_login(*, user, request=None) -> bool:
    """Logging in during the grace period keeps the account: cancel a scheduled deletion."""
    cancelled = AccountDeletion.objects.filter(user_id=user.pk, status=AccountDeletion.Status.PENDING).update(
        status=AccountDeletion.Status.CANCELLED, cancelled_at=timezone.now(), updated_at=timezone.now()
    )
    if cancelled and request is not None and hasattr(request, "_messages"):
        messages.success(request, _("Bon retour parmi nous ! La suppression de votre compte est annulée."))
    return bool(cancelled)


@transaction.atomic
def account_purge(*, user_id: int) -> User:
    """Erase or anonymise a member's personal data for good; what others need (reviews, the other side of
    conversations, prices of past deals) stays, signed "Ancien membre"."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("Ce compte n'existe pas."))
    if user.erased_at is not None:
        raise Conflict(_("Ce compte est déjà supprimé."))
    # Projects first, while the member still has their name: bidders and clients are told as for any
    # cancellation. Each hook returns the files to delete once this transaction commits.
    files = projects_privacy.erase(user=user)
    files += messaging_privacy.erase(user=user)
    files += search_privacy.erase(user=user)
    files += collectives_privacy.erase(user=user)
    files += coworking_privacy.erase(user=user)
    files += community_privacy.erase(user=user)
    files += engagements_privacy.erase(user=user)
    files += invoicing_privacy.erase(user=user)
    files += [
        (private_storage, key)
        for key in DataExport.objects.filter(user=user).exclude(file_key="").values_list("file_key", flat=True)
    ]
    DataExport.objects.filter(user=user).delete()
    # Last, the account itself: its profile goes, its row stays blanked and closed.
    files += profiles_privacy.erase(user=user)
    AccountDeletion.objects.filter(user=user, status=AccountDeletion.Status.PENDING).update(
        status=AccountDeletion.Status.COMPLETED, completed_at=user.erased_at, updated_at=user.erased_at
    )
    transaction.on_commit(lambda: stored_files_delete(files))
    return user


def account_deletions_purge_due(*, now: datetime.datetime | None = None) -> int:
    """Erase every account whose grace period is over; returns how many. One transaction per account."""
    now = now or timezone.now()
    due = AccountDeletion.objects.filter(status=AccountDeletion.Status.PENDING, purge_after__lte=now)
    done = 0
    for deletion_id, user_id in due.values_list("pk", "user_id"):
        with transaction.atomic():
            # Re-read under lock: a login may have cancelled it since the list was read.
            deletion = AccountDeletion.objects.select_for_update().filter(pk=deletion_id).first()
            if deletion is None or deletion.status != AccountDeletion.Status.PENDING:
                continue
            try:
                account_purge(user_id=user_id)
            except Conflict:
                # Erased by other means already (staff): just close the request.
                AccountDeletion.objects.filter(pk=deletion_id).update(
                    status=AccountDeletion.Status.COMPLETED, completed_at=now, updated_at=now
                )
        done += 1
    return done
