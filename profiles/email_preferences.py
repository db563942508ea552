"""Each member's e-mail preferences: which kinds of e-mail, how often; and the daily digest.

`email_allowed` is what every e-mail about a notification asks first (registered with notifications in
profiles/apps.py; messaging asks it for its unread-messages e-mail). The page is the privacy app's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.common.emails import email_signature
from marketplace.common.errors import ValidationFailed
from marketplace.common.mailer import email_send_after_commit
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from profiles.models import DigestFrequency, EmailPreferences

# The offline "unread messages" email of messaging is not a Notification, but members turn it off too.
UNREAD_MESSAGES = "unread_messages"


# New projects that fit a freelancer have a choice of their own (EmailPreferences.new_projects), not a box.
_OWN_CHOICE = {NotificationKind.PROJECT_MATCH.value}


def email_kind_choices() -> list[tuple[str, str]]:
    """Every kind of email a member can turn on or off, labelled in the current language."""
    kinds = [(kind, label) for kind, label in NotificationKind.choices if kind not in _OWN_CHOICE]
    return [*kinds, (UNREAD_MESSAGES, _("Messages non lus dans une conversation"))]


def email_preferences_get(*, user) -> EmailPreferences:
    """The member's preferences; an unsaved default (everything on, right away) when they never chose."""
    prefs = EmailPreferences.objects.filter(user_id=user.pk).first()
    return prefs or EmailPreferences(user_id=user.pk)


def email_kinds_enabled(*, prefs: EmailPreferences) -> list[str]:
    """The kinds of e-mail the member gets, in the order the page lists them."""
    return [kind for kind, _label in email_kind_choices() if kind not in prefs.disabled_kinds]


def email_allowed(*, user, kind) -> bool:
    """Whether to email `user` about `kind` now (a NotificationKind value or UNREAD_MESSAGES).

    False for erased or inactive accounts, for kinds turned off, and when the member wants a daily
    digest (`email_digests_send` covers those) or no email at all.
    """
    if getattr(user, "erased_at", None) is not None or not user.is_active:
        return False
    prefs = EmailPreferences.objects.filter(user_id=user.pk).only("frequency", "disabled_kinds", "new_projects").first()
    if str(kind) in _OWN_CHOICE:
        # Their own choice, whatever the other e-mails do; a daily digest by default.
        new_projects = prefs.new_projects if prefs else EmailPreferences().new_projects
        return new_projects == DigestFrequency.IMMEDIATE
    if prefs is None:
        return True
    if prefs.frequency != DigestFrequency.IMMEDIATE:
        return False
    return str(kind) not in prefs.disabled_kinds


@transaction.atomic
def email_preferences_save(*, user, enabled_kinds, frequency: str, new_projects: str | None = None) -> EmailPreferences:
    """Record which kinds of email the member wants and how often (`new_projects`: None keeps the current choice)."""
    known = [value for value, _label in email_kind_choices()]
    enabled = {str(kind) for kind in enabled_kinds}
    unknown = enabled - set(known)
    if unknown:
        raise ValidationFailed(_("Type de courriel inconnu."), field="kinds")
    if frequency not in DigestFrequency.values:
        raise ValidationFailed(_("Choisissez une fréquence dans la liste."), field="frequency")
    if new_projects is not None and new_projects not in DigestFrequency.values:
        raise ValidationFailed(_("Choisissez une fréquence dans la liste."), field="new_projects")
    prefs, _created = EmailPreferences.objects.select_for_update().get_or_create(user_id=user.pk)
    prefs.disabled_kinds = [kind for kind in known if kind not in enabled]
    prefs.frequency = frequency
    if new_projects is not None:
        prefs.new_projects = new_projects
    prefs.save()
    return prefs


def email_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send each daily-digest member one email listing the notifications not emailed yet; returns how many.

    At most once, never twice: the notifications are marked emailed under their locks and each email
    leaves after that commit (marketplace/common/mailer.py), so a run repeated after a crash skips them.
    """
    now = now or timezone.now()
    _rows_for_waiting_project_matches()
    waiting_projects = Exists(
        Notification.objects.filter(
            recipient_id=OuterRef("user_id"), kind=NotificationKind.PROJECT_MATCH, emailed_at__isnull=True
        )
    )
    due = EmailPreferences.objects.filter(
        Q(frequency=DigestFrequency.DAILY) | Q(waiting_projects, new_projects=DigestFrequency.DAILY),
        user__is_active=True,
        user__erased_at__isnull=True,
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
                .filter(_digest_kinds(prefs), recipient_id=prefs.user_id, emailed_at__isnull=True)
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


def _digest_kinds(prefs: EmailPreferences) -> Q:
    """The kinds of notification a member's digest lists: the daily ones, and new projects if wanted daily."""
    kinds = Q(pk__in=[])
    if prefs.frequency == DigestFrequency.DAILY:
        kinds |= ~Q(kind__in=[*prefs.disabled_kinds, *_OWN_CHOICE])
    if prefs.new_projects == DigestFrequency.DAILY:
        kinds |= Q(kind__in=_OWN_CHOICE)
    return kinds


def _rows_for_waiting_project_matches() -> None:
    """Give a preferences row (the defaults) to members told about new projects who never chose.

    Without a row a member gets every e-mail at once, except new projects: a daily digest by default,
    which needs the row's `last_digest_at`.
    """
    user_ids = (
        Notification.objects.filter(
            kind=NotificationKind.PROJECT_MATCH, emailed_at__isnull=True, recipient__email_preferences__isnull=True
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    EmailPreferences.objects.bulk_create([EmailPreferences(user_id=pk) for pk in user_ids], ignore_conflicts=True)


def _last_digest_before(moment: datetime.datetime) -> Q:
    return Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=moment)
