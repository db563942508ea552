"""The invoice PDF, drawn with ReportLab in the client's language.

The font is Bitstream Vera, which ships inside the reportlab package (no system font needed for `make run`)
and has every French letter; amounts are written by the site's one formatter (marketplace/common/money.py).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from marketplace.common.money import NARROW_NBSP, NBSP, format_money

FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
FONT = "InvoiceVera"
FONT_BOLD = "InvoiceVera-Bold"
FONT_FILES = {FONT: FONT_DIR / "Vera.ttf", FONT_BOLD: FONT_DIR / "VeraBd.ttf"}


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name, path in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(path)))


def font_characters(name: str = FONT) -> set[str]:
    """Every character the invoice font can draw (the tests check the French letters are there)."""
    _register_fonts()
    return {chr(code) for code in pdfmetrics.getFont(name).face.charToGlyph}


def _money(amount, language: str) -> str:
    # Vera has no narrow no-break space (U+202F): the ordinary no-break space keeps the groups together.
    return format_money(amount, language).replace(NARROW_NBSP, NBSP)


def _text(value) -> str:
    return escape(str(value)).replace("\n", "<br/>")


def _quantity(value) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    return text


def invoice_pdf_render(invoice, *, lines) -> bytes:
    """The invoice as PDF bytes, in `invoice.language` (fr or en)."""
    _register_fonts()
    language = invoice.language or "fr"
    with translation.override(language):
        return _render(invoice, lines, language)


def _render(invoice, lines, language: str) -> bytes:
    buffer = io.BytesIO()
    title = _("Facture n° %(number)s") % {"number": invoice.number}
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=invoice.freelancer_name,
    )
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
    bold = ParagraphStyle("bold", parent=base, fontName=FONT_BOLD)
    heading = ParagraphStyle("heading", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    right_bold = ParagraphStyle("right_bold", parent=bold, alignment=TA_RIGHT)

    def day(value) -> str:
        return date_format(value, "DATE_FORMAT")

    story = [Paragraph(_text(title), heading), Spacer(1, 4 * mm)]
    if invoice.status == "annulee":
        story += [Paragraph(_text(_("ANNULÉE")), bold), Spacer(1, 2 * mm)]

    seller = [Paragraph(_text(_("De")), small), Paragraph(_text(invoice.freelancer_name), bold)]
    if invoice.freelancer_address:
        seller.append(Paragraph(_text(invoice.freelancer_address), base))
    if invoice.gst_number and invoice.qst_number:
        seller.append(Paragraph(_text(_("N° de TPS : %(number)s") % {"number": invoice.gst_number}), base))
        seller.append(Paragraph(_text(_("N° de TVQ : %(number)s") % {"number": invoice.qst_number}), base))
    buyer = [Paragraph(_text(_("Facturé à")), small), Paragraph(_text(invoice.client_name), bold)]
    if invoice.client_address:
        buyer.append(Paragraph(_text(invoice.client_address), base))
    parties = Table([[seller, buyer]], colWidths=[doc.width / 2] * 2)
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [parties, Spacer(1, 5 * mm)]

    facts = [
        [Paragraph(_text(_("Numéro")), small), Paragraph(str(invoice.number), base)],
        [Paragraph(_text(_("Date de la facture")), small), Paragraph(_text(day(invoice.issued_on)), base)],
        [Paragraph(_text(_("Échéance")), small), Paragraph(_text(day(invoice.due_on)), base)],
    ]
    facts_table = Table(facts, colWidths=[45 * mm, doc.width - 45 * mm])
    facts_table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [facts_table, Spacer(1, 5 * mm)]

    rows = [
        [
            Paragraph(_text(_("Description")), bold),
            Paragraph(_text(_("Quantité")), right_bold),
            Paragraph(_text(_("Prix unitaire")), right_bold),
            Paragraph(_text(_("Montant")), right_bold),
        ]
    ]
    for line in lines:
        rows.append(
            [
                Paragraph(_text(line.description), base),
                Paragraph(_quantity(line.quantity), right),
                Paragraph(_text(_money(line.unit_price, language)), right),
                Paragraph(_text(_money(line.amount, language)), right),
            ]
        )
    lines_table = Table(rows, colWidths=[doc.width - 95 * mm, 25 * mm, 35 * mm, 35 * mm], repeatRows=1)
    lines_table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [lines_table, Spacer(1, 4 * mm)]

    totals = [[_("Sous-total"), invoice.subtotal]]
    if invoice.gst_number and invoice.qst_number:
        totals += [[_("TPS (5 %)"), invoice.tps], [_("TVQ (9,975 %)"), invoice.tvq]]
    totals.append([_("Total"), invoice.total])
    total_rows = [
        [
            Paragraph(_text(label), right_bold if index == len(totals) - 1 else right),
            Paragraph(_text(_money(amount, language)), right_bold if index == len(totals) - 1 else right),
        ]
        for index, (label, amount) in enumerate(totals)
    ]
    totals_table = Table(total_rows, colWidths=[doc.width - 35 * mm, 35 * mm])
    totals_table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]))
    story += [totals_table, Spacer(1, 5 * mm)]

    if not (invoice.gst_number and invoice.qst_number):
        story.append(Paragraph(_text(_("Fournisseur exempté — petit fournisseur, TPS/TVQ non facturées")), base))
    story.append(
        Paragraph(
            _text(_("À payer au plus tard le %(date)s.") % {"date": day(invoice.due_on)}),
            base,
        )
    )
    if invoice.note:
        story += [Spacer(1, 3 * mm), Paragraph(_text(_("Note")), small), Paragraph(_text(invoice.note), base)]
    doc.build(story)
    return buffer.getvalue()
