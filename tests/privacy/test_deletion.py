"""Account deletion (Loi 25): confirmation, 30 days of grace that a login cancels, then erasure."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marketplace.common.errors import Conflict, ValidationFailed
from messaging.models import Attachment, Message
from notifications.models import Notification, NotificationKind
from privacy import services as privacy_services
from privacy.models import AccountDeletion
from profiles.models import FreelancerProfile, PortfolioImage, User
from projects.models import ProjectStatus, Quote, QuoteStatus, Review
from search.models import SearchOutboxEntry
from tests.factories import UserFactory
from tests.privacy.factories import member_with_everything

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

PASSWORD = "motdepasse-solide-123"


def _after_grace():
    return timezone.now() + datetime.timedelta(days=31)


def test_deletion_needs_the_members_email_typed_exactly(db):
    user = UserFactory()
    with pytest.raises(ValidationFailed) as refused:
        privacy_services.account_deletion_request(user=user, confirmation="quelquun@autre.ca")
    assert str(refused.value.message) == "Tapez exactement votre adresse courriel pour confirmer la suppression."
    assert refused.value.errors.keys() == {"confirmation"}
    assert not AccountDeletion.objects.exists()


def test_the_delete_page_refuses_a_wrong_email_and_keeps_the_member_signed_in(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account-delete"), {"confirmation": "pas-moi@exemple.ca"})
    assert response.status_code == 400
    assert "Tapez exactement votre adresse courriel" in response.content.decode()
    assert not AccountDeletion.objects.exists()
    assert client.get(reverse("privacy-settings")).status_code == 200


def test_a_confirmed_request_schedules_deletion_in_30_days_and_signs_out(client, db):
    user = UserFactory(email="marie@exemple.qc.ca")
    client.force_login(user)
    response = client.post(reverse("account-delete"), {"confirmation": " Marie@Exemple.qc.ca "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Votre compte sera supprimé" in page
    assert "Reconnectez-vous avant cette date" in page
    deletion = AccountDeletion.objects.get(user=user)
    assert deletion.status == AccountDeletion.Status.PENDING
    expected = timezone.now() + datetime.timedelta(days=30)
    assert abs((deletion.purge_after - expected).total_seconds()) < 60
    # Signed out: the privacy page now asks to log in.
    assert client.get(reverse("privacy-settings")).status_code == 302
    # Nothing is erased during the grace period.
    user.refresh_from_db()
    assert user.is_active and user.erased_at is None and user.email == "marie@exemple.qc.ca"


def test_logging_in_during_the_grace_period_cancels_the_deletion(client, db):
    user = UserFactory(email="marie@exemple.qc.ca")
    privacy_services.account_deletion_request(user=user, confirmation="marie@exemple.qc.ca")

    response = client.post(
        reverse("account_login"), {"login": "marie@exemple.qc.ca", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "La suppression de votre compte est annulée" in response.content.decode()
    deletion = AccountDeletion.objects.get(user=user)
    assert deletion.status == AccountDeletion.Status.CANCELLED and deletion.cancelled_at is not None

    assert privacy_services.account_deletions_purge_due(now=_after_grace()) == 0
    user.refresh_from_db()
    assert user.erased_at is None and user.is_active and user.email == "marie@exemple.qc.ca"


def test_requesting_deletion_twice_is_refused_and_changes_nothing(db):
    user = UserFactory(email="marie@exemple.qc.ca")
    first = privacy_services.account_deletion_request(user=user, confirmation="marie@exemple.qc.ca")
    with pytest.raises(Conflict) as refused:
        privacy_services.account_deletion_request(user=user, confirmation="marie@exemple.qc.ca")
    assert "La suppression de votre compte est déjà prévue le" in str(refused.value.message)
    assert list(AccountDeletion.objects.all()) == [first]
    assert AccountDeletion.objects.get().purge_after == first.purge_after


def test_posting_the_delete_form_twice_changes_nothing_the_second_time(client, db):
    user = UserFactory(email="marie@exemple.qc.ca")
    client.force_login(user)
    client.post(reverse("account-delete"), {"confirmation": "marie@exemple.qc.ca"})
    before = AccountDeletion.objects.get()
    again = client.post(reverse("account-delete"), {"confirmation": "marie@exemple.qc.ca"})
    # Signed out by the first request: the second goes to the login page and schedules nothing.
    assert again.status_code == 302 and again["Location"].startswith(reverse("account_login"))
    assert list(AccountDeletion.objects.values_list("pk", "purge_after", "status")) == [
        (before.pk, before.purge_after, AccountDeletion.Status.PENDING)
    ]


def test_nothing_is_erased_before_the_grace_period_ends(db):
    user = UserFactory()
    privacy_services.account_deletion_request(user=user, confirmation=user.email)
    assert privacy_services.account_deletions_purge_due(now=timezone.now() + datetime.timedelta(days=29)) == 0
    user.refresh_from_db()
    assert user.erased_at is None and user.is_active


def test_after_the_grace_period_personal_data_is_erased_and_what_others_need_stays(
    client, db, run_on_commit, django_capture_on_commit_callbacks
):
    scene = member_with_everything()
    member = scene.member
    profile_id = scene.profile.pk
    files = [scene.profile.avatar, scene.profile.avatar_thumbnail]
    files += [image.image for image in PortfolioImage.objects.filter(item__profile_id=profile_id)]
    files += [a.file for a in Attachment.objects.filter(message__sender=member)]
    assert len(files) == 5 and all(f.storage.exists(f.name) for f in files)
    outbox_before = SearchOutboxEntry.objects.filter(kind="profile", object_id=profile_id).count()
    privacy_services.account_deletion_request(user=member, confirmation=member.email)

    erased = run_on_commit(privacy_services.account_deletions_purge_due, now=_after_grace())
    assert erased == 1

    member.refresh_from_db()
    assert member.email.startswith(f"ancien-membre-{member.pk}-") and member.email.endswith("@supprime.invalid")
    assert member.name == "" and not member.has_usable_password() and not member.is_active
    assert member.erased_at is not None and member.public_name == "Ancien membre"
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not client.login(email="josee.pigiste@exemple.qc.ca", password=PASSWORD)
    assert AccountDeletion.objects.get(user=member).status == AccountDeletion.Status.COMPLETED

    # Profile, portfolio and every file gone; search told to drop the profile.
    assert not FreelancerProfile.objects.filter(pk=profile_id).exists()
    assert not any(f.storage.exists(f.name) for f in files)
    assert SearchOutboxEntry.objects.filter(kind="profile", object_id=profile_id).count() == outbox_before + 1

    # Reviews stay, signed "Ancien membre" where pages show them.
    review = Review.objects.get(pk=scene.review_written.pk)
    assert review.comment == "Luc a livré un site superbe."
    page = client.get(reverse("project-detail", args=[scene.completed_project.pk])).content.decode()
    assert "Ancien membre" in page
    assert "Josée Tremblay" not in page and "Josée Graphiste" not in page
    assert Review.objects.filter(pk=scene.review_received.pk).exists()

    # Conversations: the other side's messages stay; the member's lose text and attachments.
    assert Message.objects.get(pk=scene.client_message.pk).body == "Bonjour Josée, avez-vous des exemples ?"
    assert Message.objects.get(pk=scene.member_message.pk).body == ""
    assert not Attachment.objects.filter(message__sender=member).exists()
    assert not Notification.objects.filter(recipient=member).exists()

    # Nobody left waiting: the open project cancelled (its bidder told), the live quote withdrawn.
    scene.open_project.refresh_from_db()
    assert scene.open_project.status == ProjectStatus.CANCELLED
    assert Quote.objects.get(pk=scene.bidder_quote.pk).status == QuoteStatus.DECLINED
    assert Notification.objects.filter(recipient=scene.bidder, kind=NotificationKind.PROJECT_CLOSED).exists()
    withdrawn = Quote.objects.get(pk=scene.member_quote.pk)
    assert withdrawn.status == QuoteStatus.WITHDRAWN and withdrawn.message == ""
    # The note the member wrote with their invitation is blanked; the invitation itself stays.
    assert list(scene.open_project.invitations.values_list("message", flat=True)) == [""]


def test_erasing_an_erased_account_again_is_refused_and_changes_nothing(db, run_on_commit):
    user = UserFactory()
    run_on_commit(privacy_services.account_purge, user_id=user.pk)
    user.refresh_from_db()
    snapshot = (user.email, user.erased_at, user.password)
    with pytest.raises(Conflict) as refused:
        privacy_services.account_purge(user_id=user.pk)
    assert str(refused.value.message) == "Ce compte est déjà supprimé."
    user.refresh_from_db()
    assert (user.email, user.erased_at, user.password) == snapshot
    with pytest.raises(Conflict) as refused:
        privacy_services.account_deletion_request(user=user, confirmation=user.email)
    assert str(refused.value.message) == "Ce compte est déjà supprimé."
    assert not AccountDeletion.objects.filter(user=user).exists()


def test_the_purge_command_erases_due_accounts_and_expires_archives(db, capsys):
    user = UserFactory()
    deletion = privacy_services.account_deletion_request(user=user, confirmation=user.email)
    AccountDeletion.objects.filter(pk=deletion.pk).update(purge_after=timezone.now() - datetime.timedelta(minutes=1))
    call_command("privacy_purge")
    assert capsys.readouterr().out == "1 compte effacé.\n0 archives de données expirées.\n"
    assert User.objects.get(pk=user.pk).erased_at is not None
