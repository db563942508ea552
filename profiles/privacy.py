"""Privacy rights under Quebec's Loi 25: data export, account deletion with a grace period, email
preferences. Services (writes) and selectors (reads) in one module because they share their rules.

- Export: `data_export_request` records a request and starts `profiles.tasks.build_data_export`
  after commit; `data_export_build` writes ONE zip (data.json + the member's files, read through each
  file's storage so S3 works too) to the private storage under a random key; the link works for its
  owner only and for EXPORT_LINK_DAYS.
- Deletion: `account_deletion_request` (after the member typed their email) schedules the erasure
  DELETION_GRACE_DAYS later; logging in meanwhile cancels it (signal in profiles/models.py);
  `account_deletions_purge_due` (task and `manage.py privacy_purge`) then calls `account_purge`.
- Email preferences: `email_preferences_save`, and `email_allowed`, which every email about a
  notification asks first.
"""

from __future__ import annotations

import datetime
import json
import logging
import shutil
import tempfile
import uuid
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from marketplace.emails import email_signature
from marketplace.errors import Conflict, DomainError, NotFound, ValidationFailed
from marketplace.mailer import email_send_after_commit
from marketplace.storage import private_storage, random_key, stored_files_delete
from profiles.models import (
    AccountDeletion,
    DataExport,
    DigestFrequency,
    EmailPreferences,
    FreelancerProfile,
    PortfolioImage,
    Report,
    User,
)

logger = logging.getLogger(__name__)

EXPORT_LINK_DAYS = 7
DELETION_GRACE_DAYS = 30
ERASED_EMAIL_DOMAIN = "supprime.invalid"
# The offline "unread messages" email of messaging is not a Notification, but members turn it off too.
UNREAD_MESSAGES = "unread_messages"


class Gone(DomainError):
    """The thing existed but is no longer available (an expired export link): HTTP 410."""

    status_code = 410
    code = "gone"


# --- Email preferences ---------------------------------------------------------------------------


def email_kind_choices() -> list[tuple[str, str]]:
    """Every kind of email a member can turn on or off, labelled in the current language."""
    from messaging.models import NotificationKind

    return [*NotificationKind.choices, (UNREAD_MESSAGES, _("Messages non lus dans une conversation"))]


def email_preferences_get(*, user) -> EmailPreferences:
    """The member's preferences; an unsaved default (everything on, right away) when they never chose."""
    prefs = EmailPreferences.objects.filter(user_id=user.pk).first()
    return prefs or EmailPreferences(user_id=user.pk)


def email_allowed(*, user, kind) -> bool:
    """Whether to email `user` about `kind` now (a NotificationKind value or UNREAD_MESSAGES).

    False for erased or inactive accounts, for kinds turned off, and when the member wants a daily
    digest (`email_digests_send` covers those) or no email at all.
    """
    if getattr(user, "erased_at", None) is not None or not user.is_active:
        return False
    prefs = EmailPreferences.objects.filter(user_id=user.pk).only("frequency", "disabled_kinds").first()
    if prefs is None:
        return True
    if prefs.frequency != DigestFrequency.IMMEDIATE:
        return False
    return str(kind) not in prefs.disabled_kinds


@transaction.atomic
def email_preferences_save(*, user, enabled_kinds, frequency: str) -> EmailPreferences:
    """Record which kinds of email the member wants and how often."""
    known = [value for value, _label in email_kind_choices()]
    enabled = {str(kind) for kind in enabled_kinds}
    unknown = enabled - set(known)
    if unknown:
        raise ValidationFailed(_("Type de courriel inconnu."), field="kinds")
    if frequency not in DigestFrequency.values:
        raise ValidationFailed(_("Choisissez une fréquence dans la liste."), field="frequency")
    prefs, _created = EmailPreferences.objects.select_for_update().get_or_create(user_id=user.pk)
    prefs.disabled_kinds = [kind for kind in known if kind not in enabled]
    prefs.frequency = frequency
    prefs.save()
    return prefs


def email_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send each daily-digest member one email listing the notifications not emailed yet; returns how many.

    At most once, never twice: the notifications are marked emailed under their locks and each email
    leaves after that commit (marketplace/mailer.py), so a run repeated after a crash skips them.
    """
    from messaging.models import Notification
    from messaging.notifications import notification_text

    now = now or timezone.now()
    due = EmailPreferences.objects.filter(
        frequency=DigestFrequency.DAILY, user__is_active=True, user__erased_at__isnull=True
    ).filter(
        # At most one digest a day per member.
        _last_digest_before(now - datetime.timedelta(hours=23))
    )
    sent = 0
    for prefs_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            prefs = EmailPreferences.objects.select_for_update().select_related("user").get(pk=prefs_id)
            if prefs.last_digest_at and prefs.last_digest_at > now - datetime.timedelta(hours=23):
                continue  # Another worker sent it meanwhile.
            pending = list(
                Notification.objects.select_for_update()
                .filter(recipient_id=prefs.user_id, emailed_at__isnull=True)
                .exclude(kind__in=prefs.disabled_kinds)
                .order_by("created_at", "id")[:50]
            )
            last_digest_at = prefs.last_digest_at
            prefs.last_digest_at = now
            prefs.save(update_fields=["last_digest_at", "updated_at"])
            if not pending:
                continue
            user = prefs.user
            with translation.override(user.language or "fr-ca"):
                lines = [
                    f"• {notification_text(n).title}" + (f"\n  {settings.SITE_URL}{n.url}" if n.url else "")
                    for n in pending
                ]
                body = "\n".join(
                    [
                        gettext("Voici vos avis des dernières 24 heures :"),
                        "",
                        *lines,
                        "",
                        gettext("Pour changer la fréquence de ces courriels : %(url)s")
                        % {"url": settings.SITE_URL + reverse("email-preferences")},
                        "",
                        email_signature(),
                    ]
                )
                subject = gettext("Votre résumé quotidien %(name)s") % {"name": settings.SITE_NAME}
            ids = [n.pk for n in pending]
            Notification.objects.filter(pk__in=ids).update(emailed_at=now)

            def give_back(ids=ids, prefs_id=prefs.pk, last_digest_at=last_digest_at):
                Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)
                EmailPreferences.objects.filter(pk=prefs_id, last_digest_at=now).update(last_digest_at=last_digest_at)

            email_send_after_commit(to=user.email, subject=subject, body=body, give_back=give_back)
            sent += 1
    return sent


def _last_digest_before(moment: datetime.datetime) -> Q:
    return Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=moment)


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
            % {"days": EXPORT_LINK_DAYS}
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
        from marketplace.logging import current_request_id
        from profiles.tasks import build_data_export

        build_data_export.enqueue(export_id=export.pk, request_id=current_request_id())

    transaction.on_commit(enqueue)
    return export


def _profile_data(profile: FreelancerProfile, files: list) -> dict:
    avatar_path = None
    if profile.avatar:
        avatar_path = f"fichiers/avatar/{PurePosixPath(profile.avatar.name).name}"
        files.append((avatar_path, profile.avatar))
    portfolio = []
    for item in profile.portfolio_items.all():
        images = []
        for image in item.images.all():
            if image.image:
                path = f"fichiers/portfolio/{item.pk}/{image.pk}-{PurePosixPath(image.image.name).name}"
                files.append((path, image.image))
                images.append({"file": path, "width": image.width, "height": image.height})
        portfolio.append(
            {"title": item.title, "description": item.description, "created_at": item.created_at, "images": images}
        )
    return {
        "display_name": profile.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "skills": [skill.name for skill in profile.skills.all()],
        "hourly_rate": profile.hourly_rate,
        "languages": profile.languages,
        "availability": profile.availability,
        "available_from": profile.available_from,
        "remote": profile.remote,
        "municipality": profile.municipality.name if profile.municipality else None,
        "travel_radius_km": profile.travel_radius_km,
        "avatar": avatar_path,
        "created_at": profile.created_at,
        "portfolio": portfolio,
    }


def data_export_collect(*, user) -> tuple[dict, list[tuple[str, object]]]:
    """Everything the member gave us or that is about them, and their files as `(archive path, FieldFile)`."""
    from allauth.account.models import EmailAddress

    from messaging.privacy import messaging_export_for_user
    from projects.privacy import projects_export_for_user
    from search.models import SavedSearch

    files: list[tuple[str, object]] = []
    profile = (
        FreelancerProfile.objects.filter(user_id=user.pk)
        .select_related("municipality")
        .prefetch_related("skills", "portfolio_items__images")
        .first()
    )
    prefs = email_preferences_get(user=user)
    messaging_data, messaging_files = messaging_export_for_user(user=user)
    projects_data, project_files = projects_export_for_user(user=user)
    data = {
        "generated_at": timezone.now(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user_id=user.pk).order_by("id")
            ],
            "email_preferences": {"disabled_kinds": prefs.disabled_kinds, "frequency": prefs.frequency},
        },
        "freelancer_profile": _profile_data(profile, files) if profile else None,
        **projects_data,
        **messaging_data,
        "saved_searches": [
            {"name": s.name, "query": s.query, "frequency": s.frequency, "created_at": s.created_at}
            for s in SavedSearch.objects.filter(user_id=user.pk).order_by("id")
        ],
        "reports_made": [
            {
                "about": f"{report.content_type.model} #{report.object_id}",
                "reason": report.reason,
                "details": report.details,
                "status": report.status,
                "created_at": report.created_at,
            }
            for report in Report.objects.filter(reporter_id=user.pk).select_related("content_type").order_by("id")
        ],
    }
    return data, files + project_files + messaging_files


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
        from django.contrib import messages

        messages.success(request, _("Bon retour parmi nous ! La suppression de votre compte est annulée."))
    return bool(cancelled)


def _profile_files(profile: FreelancerProfile) -> list[tuple[object, str]]:
    files = []
    for field in (profile.avatar, profile.avatar_thumbnail, getattr(profile, "avatar_thumbnail_jpeg", None)):
        if field:
            files.append((field.storage, field.name))
    for image in PortfolioImage.objects.filter(item__profile=profile):
        for field in (image.image, image.thumbnail, getattr(image, "thumbnail_jpeg", None)):
            if field:
                files.append((field.storage, field.name))
    return files


@transaction.atomic
def account_purge(*, user_id: int) -> User:
    """Erase or anonymise a member's personal data for good; what others need (reviews, the other side of
    conversations, prices of past deals) stays, signed "Ancien membre"."""
    from allauth.account.models import EmailAddress

    from messaging.privacy import messaging_erase_for_user
    from projects.privacy import (
        projects_anonymise_for_user,
        projects_documents_erase_for_user,
        projects_release_for_user,
    )
    from search.models import SavedSearch
    from search.outbox import outbox_record_profile

    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("Ce compte n'existe pas."))
    if user.erased_at is not None:
        raise Conflict(_("Ce compte est déjà supprimé."))
    # Before drafts are deleted with their rows, so no document file is left behind.
    files = projects_documents_erase_for_user(user=user)
    # While the member still has their name: bidders and clients are told as for any cancellation.
    projects_release_for_user(user=user)
    files += messaging_erase_for_user(user=user)
    projects_anonymise_for_user(user=user)
    profile = FreelancerProfile.objects.filter(user=user).first()
    if profile is not None:
        files += _profile_files(profile)
        # The outbox entry outlives the row: the drain finds no profile and removes it from the index.
        outbox_record_profile(profile_id=profile.pk)
        profile.delete()
    for export in DataExport.objects.filter(user=user):
        if export.file_key:
            files.append((private_storage, export.file_key))
    DataExport.objects.filter(user=user).delete()
    EmailPreferences.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    SavedSearch.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).delete()
    user.email = f"ancien-membre-{user.pk}-{uuid.uuid4().hex[:12]}@{ERASED_EMAIL_DOMAIN}"
    user.name = ""
    user.set_unusable_password()  # Also ends every session: their auth hash no longer matches.
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
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
