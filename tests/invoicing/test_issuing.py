"""Issuing invoices through the services: each source, each refusal with its message, and that refusals save nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from engagements.models import Engagement
from invoicing import selectors
from invoicing.models import BillingProfile, Invoice, InvoiceEvent, InvoiceSequence, InvoiceStatus
from invoicing.services import issuing
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from projects.models import Invitation
from tests.factories import BillingProfileFactory, MunicipalityFactory, ProjectFactory, QuoteFactory, UserFactory
from tests.invoicing.issuing_setup import approve_first_milestone, approve_whole, open_engagement

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

LINE = {"description": "Maquettes", "quantity": "1", "unit_price": "1500.00"}


def today():
    return timezone.localdate()


@pytest.fixture
def engagement():
    return open_engagement()


@pytest.fixture
def milestone(engagement):
    BillingProfileFactory(user=engagement.freelancer, legal_name="Élise Côté, design", address="12, rue Principale")
    return approve_first_milestone(engagement)


def issue(milestone, **kwargs):
    kwargs.setdefault("lines", [LINE])
    user = kwargs.pop("user", milestone.engagement.freelancer)
    return issuing.invoice_issue(user=user, milestone_id=milestone.pk, **kwargs)


def nothing_saved():
    assert Invoice.objects.count() == 0
    assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()


# --- Billing details -------------------------------------------------------------------------------


def test_billing_details_are_saved_with_numbers_and_postal_code_normalised():
    user = UserFactory()
    place = MunicipalityFactory()

    profile = issuing.billing_profile_save(
        user=user,
        legal_name=" Élise Côté ",
        address="12, rue Principale",
        municipality_id=place.pk,
        postal_code="g0r1a0",
        gst_number="123 456 789 rt 0001",
        qst_number="1234567890 tq 0001",
    )

    assert (profile.legal_name, profile.postal_code) == ("Élise Côté", "G0R 1A0")
    assert (profile.gst_number, profile.qst_number) == ("123456789RT0001", "1234567890TQ0001")
    assert profile.is_tax_registered and profile.municipality == place


def test_both_tax_numbers_empty_is_a_small_supplier():
    profile = issuing.billing_profile_save(
        user=UserFactory(), legal_name="Luc", address="1, rang 2", postal_code="G0L 1B0", gst_number="", qst_number=""
    )

    assert not profile.is_tax_registered


@pytest.mark.parametrize(
    ("gst", "qst", "field", "message"),
    [
        ("12345678RT0001", "1234567890TQ0001", "gst_number", "Numéro de TPS invalide"),
        ("123456789TQ0001", "1234567890TQ0001", "gst_number", "Numéro de TPS invalide"),
        ("123456789RT0001", "123456789TQ0001", "qst_number", "Numéro de TVQ invalide"),
        ("123456789RT0001", "1234567890RT0001", "qst_number", "Numéro de TVQ invalide"),
        ("123456789RT0001", "", "qst_number", "entrez aussi votre numéro de TVQ"),
        ("", "1234567890TQ0001", "gst_number", "entrez aussi votre numéro de TPS"),
    ],
)
def test_a_malformed_or_lone_tax_number_is_refused_and_nothing_is_saved(gst, qst, field, message):
    user = UserFactory()

    with pytest.raises(ValidationFailed) as refused:
        issuing.billing_profile_save(
            user=user, legal_name="Luc", address="1, rang 2", postal_code="G0L 1B0", gst_number=gst, qst_number=qst
        )

    assert message in str(refused.value.errors[field][0])
    assert not BillingProfile.objects.filter(user=user).exists()


@pytest.mark.parametrize("postal", ["12345", "G0R 1A", "D0R 1A0", "G0R1A0X"])
def test_a_postal_code_that_is_not_canadian_is_refused(postal):
    with pytest.raises(ValidationFailed) as refused:
        issuing.billing_profile_save(user=UserFactory(), legal_name="Luc", address="1, rang 2", postal_code=postal)

    assert "Code postal invalide" in str(refused.value.errors["postal_code"][0])


# --- Issuing from a milestone ----------------------------------------------------------------------


def test_an_approved_milestone_is_invoiced_with_number_snapshots_taxes_pdf_and_the_client_told(milestone):
    engagement = milestone.engagement
    BillingProfileFactory(user=engagement.client, legal_name="Ferme Lévesque inc.", address="3, chemin du Roy")

    invoice = issue(milestone, note="Virement Interac")

    assert invoice.number == 1
    assert (invoice.client, invoice.engagement, invoice.milestone) == (engagement.client, engagement, milestone)
    assert invoice.acknowledged_at is None
    assert (invoice.subtotal, invoice.tps, invoice.tvq, invoice.total) == (
        Decimal("1500.00"),
        Decimal("75.00"),
        Decimal("149.63"),
        Decimal("1724.63"),
    )
    assert invoice.issued_on == today() and invoice.due_on == today() + datetime.timedelta(days=30)
    assert invoice.freelancer_name == "Élise Côté, design"
    assert invoice.freelancer_address.startswith("12, rue Principale\n")
    assert (invoice.gst_number, invoice.qst_number) == ("123456789RT0001", "1234567890TQ0001")
    assert (invoice.client_name, invoice.client_address.splitlines()[0]) == ("Ferme Lévesque inc.", "3, chemin du Roy")
    assert invoice.pdf.name and invoice.pdf.read().startswith(b"%PDF")
    assert list(invoice.lines.values_list("description", "amount")) == [("Maquettes", Decimal("1500.00"))]
    assert InvoiceEvent.objects.filter(invoice=invoice, kind="emise", actor=engagement.freelancer).exists()
    told = Notification.objects.get(recipient=engagement.client, kind=NotificationKind.INVOICE_ISSUED)
    assert told.url == f"/factures/{invoice.pk}/"
    assert notification_text(told).title == "Facture n° 1 de Élise Côté, design"
    assert "1\u202f724,63\u00a0$" in notification_text(told).body
    with translation.override("en"):
        assert notification_text(told).title == "Invoice no. 1 from Élise Côté, design"
        assert "$1,724.63" in notification_text(told).body


def test_the_client_is_emailed_after_commit(milestone, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue(milestone)

    assert [message.to for message in mail.outbox] == [[milestone.engagement.client.email]]


def test_a_profile_later_changed_leaves_the_issued_invoice_as_it_was(milestone):
    invoice = issue(milestone)
    BillingProfile.objects.filter(user=milestone.engagement.freelancer).update(legal_name="Autre nom")

    invoice.refresh_from_db()

    assert invoice.freelancer_name == "Élise Côté, design"


def test_a_small_supplier_invoice_has_no_taxes(milestone):
    BillingProfile.objects.filter(user=milestone.engagement.freelancer).update(gst_number="", qst_number="")

    invoice = issue(milestone)

    assert (invoice.tps, invoice.tvq, invoice.total) == (Decimal("0"), Decimal("0"), Decimal("1500.00"))
    assert (invoice.gst_number, invoice.qst_number) == ("", "")


def test_the_freelancer_edits_lines_due_date_and_note(milestone):
    lines = [
        {"description": "Maquettes", "quantity": "2", "unit_price": "600"},
        {"description": "Révisions", "quantity": "1,5", "unit_price": "80,50"},
    ]
    due = today() + datetime.timedelta(days=15)

    invoice = issue(milestone, lines=lines, due_on=due.isoformat(), note="Merci!")

    assert [(line.quantity, line.amount) for line in invoice.lines.all()] == [
        (Decimal("2"), Decimal("1200.00")),
        (Decimal("1.5"), Decimal("120.75")),
    ]
    assert (invoice.subtotal, invoice.due_on, invoice.note) == (Decimal("1320.75"), due, "Merci!")


def test_numbers_follow_each_other_per_freelancer_and_a_cancelled_number_is_not_reused(engagement):
    BillingProfileFactory(user=engagement.freelancer)
    first = approve_first_milestone(engagement)
    one = issue(first)
    issuing.invoice_cancel(user=engagement.freelancer, invoice_id=one.pk)

    two = issue(first)
    other = issuing.invoice_issue(
        user=engagement.freelancer, project_id=_quoted_project(engagement.freelancer).pk, lines=[LINE]
    )

    assert [one.number, two.number, other.number] == [1, 2, 3]
    one.refresh_from_db()
    assert (one.status, one.number) == (InvoiceStatus.CANCELLED, 1)
    # Another freelancer starts their own series at 1.
    stranger_project = ProjectFactory()
    quote = QuoteFactory(project=stranger_project)
    BillingProfileFactory(user=quote.freelancer)
    assert issuing.invoice_issue(user=quote.freelancer, project_id=stranger_project.pk, lines=[LINE]).number == 1


def _quoted_project(freelancer):
    quote = QuoteFactory(freelancer=freelancer)
    return quote.project


# --- Issuing from an engagement or a project -------------------------------------------------------


def test_a_wholly_approved_engagement_is_invoiced_with_its_lines(engagement):
    BillingProfileFactory(user=engagement.freelancer)
    approve_whole(engagement)
    source = selectors.invoice_source_get(user=engagement.freelancer, engagement_id=engagement.pk)

    invoice = issuing.invoice_issue(user=engagement.freelancer, engagement_id=engagement.pk, lines=source.lines)

    assert [line["description"] for line in source.lines] == ["Maquettes", "Intégration"]
    assert (invoice.subtotal, invoice.total, invoice.milestone) == (Decimal("3500.00"), Decimal("4024.13"), None)


def test_work_agreed_outside_is_invoiced_on_a_project_the_freelancer_was_invited_to():
    project = ProjectFactory()
    freelancer = UserFactory()
    Invitation.objects.create(project=project, freelancer=freelancer)
    BillingProfileFactory(user=freelancer)

    invoice = issuing.invoice_issue(user=freelancer, project_id=project.pk, lines=[LINE])

    assert (invoice.client, invoice.project, invoice.engagement) == (project.owner, project, None)
    assert invoice.acknowledged_at is None and not invoice.counts_in_record


def test_a_project_the_freelancer_neither_quoted_on_nor_was_invited_to_is_refused():
    freelancer = UserFactory()
    BillingProfileFactory(user=freelancer)

    with pytest.raises(PermissionDenied) as refused:
        issuing.invoice_issue(user=freelancer, project_id=ProjectFactory().pk, lines=[LINE])

    assert "soumissionné ou été invité·e" in str(refused.value.message)
    nothing_saved()


def test_a_project_with_an_engagement_is_invoiced_from_the_engagement(engagement):
    BillingProfileFactory(user=engagement.freelancer)

    with pytest.raises(Conflict) as refused:
        issuing.invoice_issue(user=engagement.freelancer, project_id=engagement.project_id, lines=[LINE])

    assert "facturez-le depuis la page du mandat" in str(refused.value.message)
    nothing_saved()


# --- Refusals --------------------------------------------------------------------------------------


def test_without_billing_details_the_refusal_says_where_to_fill_them(engagement):
    first = approve_first_milestone(engagement)

    with pytest.raises(ValidationFailed) as refused:
        issue(first)

    assert "Mon compte › Facturation" in str(refused.value.message)
    assert refused.value.action_url == "/mon-compte/facturation/"
    nothing_saved()


def test_a_malformed_tax_number_stored_earlier_is_refused_at_issue(milestone):
    BillingProfile.objects.filter(user=milestone.engagement.freelancer).update(gst_number="12345RT1")

    with pytest.raises(ValidationFailed) as refused:
        issue(milestone)

    assert "numéros de taxes sont invalides" in str(refused.value.message)
    nothing_saved()


def test_a_milestone_not_approved_is_refused(milestone):
    second = milestone.engagement.milestones.exclude(pk=milestone.pk).get()

    with pytest.raises(Conflict) as refused:
        issue(second)

    assert "pas encore approuvé" in str(refused.value.message)
    nothing_saved()


def test_a_milestone_already_invoiced_is_refused_until_that_invoice_is_cancelled(milestone):
    first = issue(milestone)

    with pytest.raises(Conflict) as refused:
        issue(milestone)
    assert "déjà facturé" in str(refused.value.message)
    assert Invoice.objects.count() == 1

    issuing.invoice_cancel(user=milestone.engagement.freelancer, invoice_id=first.pk)
    assert issue(milestone).number == 2


def test_an_engagement_not_finished_is_refused(engagement):
    BillingProfileFactory(user=engagement.freelancer)

    with pytest.raises(Conflict) as refused:
        issuing.invoice_issue(user=engagement.freelancer, engagement_id=engagement.pk, lines=[LINE])

    assert "pas encore approuvé" in str(refused.value.message)
    nothing_saved()


def test_a_cancelled_engagement_is_refused(milestone):
    # No page cancels an engagement yet; the status is written as the future flow would.
    Engagement.objects.filter(pk=milestone.engagement_id).update(status="annule")

    with pytest.raises(Conflict) as refused:
        issue(milestone)

    assert "annulé" in str(refused.value.message)
    nothing_saved()


def test_the_client_cannot_invoice_and_a_stranger_gets_not_found(milestone):
    BillingProfileFactory(user=milestone.engagement.client)
    stranger = UserFactory()
    BillingProfileFactory(user=stranger)

    with pytest.raises(PermissionDenied) as refused:
        issue(milestone, user=milestone.engagement.client)
    assert "Seul le pigiste" in str(refused.value.message)
    with pytest.raises(NotFound):
        issue(milestone, user=stranger)
    nothing_saved()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "Ajoutez au moins une ligne"),
        ([{"description": "Maquettes", "quantity": "1", "unit_price": "0"}], "Ligne 1 : Le prix doit être plus grand"),
        (
            [{"description": "Maquettes", "quantity": "1", "unit_price": "-10"}],
            "Ligne 1 : Le prix doit être plus grand",
        ),
        (
            [{"description": "Maquettes", "quantity": "0", "unit_price": "10"}],
            "Ligne 1 : La quantité doit être plus grande",
        ),
        (
            [{"description": "Maquettes", "quantity": "-2", "unit_price": "10"}],
            "Ligne 1 : La quantité doit être plus grande",
        ),
        ([LINE, {"description": "", "quantity": "1", "unit_price": "10"}], "Ligne 2 : Ce champ est obligatoire."),
        ([{"description": "Maquettes", "quantity": "1", "unit_price": "abc"}], "Ligne 1 : Entrez un nombre valide."),
        ([{"description": "Maquettes", "quantity": "1", "unit_price": "10.001"}], "Ligne 1 : Prix invalide"),
    ],
)
def test_a_bad_line_is_refused_and_nothing_is_saved(milestone, lines, message):
    with pytest.raises(ValidationFailed) as refused:
        issue(milestone, lines=lines)

    assert message in [str(m) for m in refused.value.errors["lines"]][0]
    nothing_saved()
    assert not Notification.objects.filter(kind=NotificationKind.INVOICE_ISSUED).exists()


def test_a_due_date_before_the_issue_date_is_refused(milestone):
    with pytest.raises(ValidationFailed) as refused:
        issue(milestone, due_on=(today() - datetime.timedelta(days=1)).isoformat())

    assert str(refused.value.errors["due_on"][0]) == "L'échéance ne peut pas précéder la date de la facture."
    nothing_saved()


def test_a_due_date_on_the_issue_date_is_accepted(milestone):
    assert issue(milestone, due_on=today().isoformat()).due_on == today()


def test_a_pdf_that_fails_leaves_no_invoice_and_no_file(milestone, monkeypatch, settings):
    def broken(invoice, *, lines):
        raise RuntimeError("ReportLab failed")

    monkeypatch.setattr(issuing, "invoice_pdf_render", broken)

    with pytest.raises(RuntimeError):
        issue(milestone)

    nothing_saved()


# --- Cancelling ------------------------------------------------------------------------------------


def test_only_the_freelancer_cancels_and_only_while_unpaid(milestone):
    invoice = issue(milestone)

    with pytest.raises(PermissionDenied):
        issuing.invoice_cancel(user=milestone.engagement.client, invoice_id=invoice.pk)
    with pytest.raises(NotFound):
        issuing.invoice_cancel(user=UserFactory(), invoice_id=invoice.pk)
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.PAID, paid_on=today())
    with pytest.raises(Conflict) as refused:
        issuing.invoice_cancel(user=milestone.engagement.freelancer, invoice_id=invoice.pk)

    assert "marquée payée" in str(refused.value.message)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.cancelled_at is None


# --- Reads -----------------------------------------------------------------------------------------


def test_each_side_lists_its_invoices_and_only_they_read_one(milestone):
    invoice = issue(milestone)
    freelancer, client = milestone.engagement.freelancer, milestone.engagement.client

    assert list(selectors.invoices_issued_by(user=freelancer)) == [invoice]
    assert list(selectors.invoices_received_by(user=client)) == [invoice]
    assert list(selectors.invoices_received_by(user=freelancer)) == []
    assert list(selectors.invoices_for_user(user=client)) == [invoice]
    assert selectors.invoice_get_for_party(user=client, invoice_id=invoice.pk) == invoice
    with pytest.raises(NotFound):
        selectors.invoice_get_for_party(user=UserFactory(), invoice_id=invoice.pk)
