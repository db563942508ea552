"""The invoice PDF, read back as text with pypdf: names with accents, numbers, taxes, totals, in the client's language."""

import io

import pytest
from pypdf import PdfReader

from invoicing.models import BillingProfile
from invoicing.pdf import FONT, FONT_BOLD, font_characters
from invoicing.services import issuing
from tests.factories import BillingProfileFactory
from tests.invoicing.issuing_setup import approve_first_milestone, open_engagement

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

FRENCH_LETTERS = "ÉÈÊÀÂÇÔÛÙËÏÎŒ" + "éèêàâçôûùëïîœ" + "«»’"


def pdf_text(invoice) -> str:
    invoice.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(invoice.pdf.read()))
    finally:
        invoice.pdf.close()
    # The money formatter's no-break spaces read back as spaces.
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


@pytest.mark.parametrize("font", [FONT, FONT_BOLD])
def test_the_invoice_font_has_every_french_letter(font):
    assert set(FRENCH_LETTERS) - font_characters(font) == set()


def _issue(client_language="fr-ca", *, registered=True):
    engagement = open_engagement(project__owner__language=client_language)
    BillingProfileFactory(
        user=engagement.freelancer,
        legal_name="Émilie Bérubé, graphiste",
        address="45, rue de l'Église",
        postal_code="G0R 1A0",
        **({} if registered else {"gst_number": "", "qst_number": ""}),
    )
    BillingProfileFactory(user=engagement.client, legal_name="Boulangerie Côté & Frères", address="7, côte à Œuvre")
    milestone = approve_first_milestone(engagement)
    return issuing.invoice_issue(
        user=engagement.freelancer,
        milestone_id=milestone.pk,
        lines=[
            {"description": "Maquettes « été » pour l’épicerie", "quantity": "1", "unit_price": "1000.00"},
            {"description": "Révisions", "quantity": "2", "unit_price": "0.05"},
        ],
        note="Virement Interac à émilie@example.com",
    )


def test_the_pdf_in_french_shows_parties_numbers_taxes_and_totals():
    invoice = _issue()

    text = pdf_text(invoice)

    assert "Facture n° 1" in text
    assert "Émilie Bérubé, graphiste" in text and "45, rue de l'Église" in text and "G0R 1A0" in text
    assert "Boulangerie Côté & Frères" in text and "7, côte à Œuvre" in text
    assert "N° de TPS : 123456789RT0001" in text and "N° de TVQ : 1234567890TQ0001" in text
    assert "Maquettes « été » pour l’épicerie" in text
    # 1 000,10 $ → TPS 50,01 $ (50,005 half up), TVQ 99,76 $ (99,759975), total 1 149,87 $.
    for figure in ("1 000,10 $", "50,01 $", "99,76 $", "1 149,87 $", "0,05 $", "0,10 $"):
        assert figure in text, figure
    assert "TPS (5 %)" in text and "TVQ (9,975 %)" in text
    assert invoice.issued_on.strftime("%Y") in text and "Échéance" in text
    assert "petit fournisseur" not in text


def test_the_pdf_is_in_english_for_an_english_speaking_client():
    invoice = _issue("en")

    text = pdf_text(invoice)

    assert invoice.language == "en"
    assert "Invoice no. 1" in text and "Billed to" in text and "GST no.: 123456789RT0001" in text
    for figure in ("$1,000.10", "$50.01", "$99.76", "$1,149.87"):
        assert figure in text, figure
    assert "Émilie Bérubé, graphiste" in text


def test_a_small_supplier_pdf_says_so_and_charges_no_tax():
    invoice = _issue(registered=False)

    text = pdf_text(invoice)

    assert "Fournisseur exempté — petit fournisseur, TPS/TVQ non facturées" in text
    assert "TPS (5 %)" not in text and "N° de TPS" not in text
    assert "1 000,10 $" in text


def test_the_english_small_supplier_mention():
    invoice = _issue("en", registered=False)

    assert "Exempt supplier — small supplier, GST/QST not charged" in pdf_text(invoice)


def test_the_pdf_snapshot_survives_a_later_profile_change():
    invoice = _issue()
    BillingProfile.objects.filter(user=invoice.freelancer).update(legal_name="Autre")

    assert "Émilie Bérubé, graphiste" in pdf_text(invoice)
