"""The printable paper signature sheet of a petition (issue 14 §3): a blank form, in Kazakh and
Russian, to sign at a reception or a hearing. Its staff enter the filled rows (petitions/paper.py).

A paper row records the signer's consent to the delivery of their name and district on the sheet's
date, so the sheet says, above the table and in every page's footer, what is delivered and to whom.
It also carries the petition's text, number and addressee, what the petition's route gives (the
unconfirmed figures marked as the pages mark them), and a QR code to the petition's page.

Texts come from the translation catalogues, rendered in both languages (the state and the official
language), so the sheet and the site say the same words."""

import qrcode
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_from_path, pgettext
from django.utils.translation import gettext as _
from fpdf import FPDF

from petitions.models import Petition
from petitions.pdf import FONT, both, new_pdf
from petitions.selectors import consent_label, delivery_notice, route_summary

LANGUAGES = ("kk", "ru")
ROWS = 20  # numbered empty rows; the table continues on the next page with its heading
ROW_HEIGHT = 10  # mm: room to write by hand
QR_SIZE = 30  # mm
# Column widths (mm, 186 in all: A4 less the margins): №, name, IIN, address, date, signature.
COLUMNS = (8, 46, 30, 56, 20, 26)


def sheet_url(petition: Petition) -> str:
    """The petition's page without a language prefix (the site sends each visitor to their own
    language); while it gathers its first supporters only its link opens it."""
    path = petition.share_url if petition.status == Petition.Status.GATHERING_SUPPORT else petition.get_absolute_url()
    language = get_language_from_path(path)
    if language:
        path = path[len(language) + 1 :]
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def sheet_qr(url: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    return qr


def _in_both(text) -> list[str]:
    """`text()` rendered in Kazakh, then in Russian."""
    rendered = []
    for language in LANGUAGES:
        with translation.override(language):
            rendered.append(text())
    return rendered


def _bilingual(text) -> str:
    return both(*_in_both(text))


def _route_note(route) -> str:
    note = route_summary(route)
    if route.is_appeal and route.answer_term_unconfirmed:
        note = f"{note} ({_('unconfirmed')})"
    return note


class _SheetPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-17)
        self.set_font(FONT, size=7)
        self.multi_cell(0, 3.2, f"{self.footer_text}    {self.page_no()}/{{nb}}", align="C")


def _lines(pdf: FPDF, width: float, height: float, text: str) -> None:
    """Wrapped text from the left margin, left-aligned; the next line starts under it."""
    pdf.multi_cell(width, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _draw_qr(pdf: FPDF, qr: qrcode.QRCode, x: float, y: float, size: float) -> None:
    """The code as filled rectangles (vector, sharp when printed), one per run of dark modules."""
    matrix = qr.get_matrix()
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        start = None
        for column, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row_index * module, (column - start) * module, module, style="F")
                start = None


# Literal calls, so the catalogues' tools find them.
_HEADINGS = (
    lambda: "№",
    lambda: pgettext("paper sheet", "Surname, first name, patronymic"),
    lambda: pgettext("paper sheet", "IIN"),
    lambda: pgettext("paper sheet", "Home address"),
    lambda: pgettext("paper sheet", "Date"),
    lambda: pgettext("paper sheet", "Signature"),
)


def _table_heading(pdf: FPDF) -> None:
    pdf.set_font(FONT, "B", 8)
    y = pdf.get_y()
    x = pdf.l_margin
    for width, text in zip(COLUMNS, _HEADINGS, strict=True):
        kk, ru = _in_both(text)
        pdf.set_xy(x, y)
        pdf.multi_cell(width, 4, kk if kk == ru else f"{kk}\n{ru}", border=1, align="C", max_line_height=4)
        x += width
    pdf.set_xy(pdf.l_margin, y + 8)
    pdf.set_font(FONT, size=9)


def _notice(petition: Petition) -> tuple[str, str]:
    """What signing the sheet means (in the active language): what is delivered and to whom, and
    the consent; then what the IIN is for and where the sheet goes."""
    consent = " ".join(
        (
            delivery_notice(petition),
            _("By signing this sheet I confirm that I am a citizen of the Republic of Kazakhstan and agree to this."),
        )
    )
    details = " ".join(
        (
            _(
                "The IIN is asked only so that each person is counted once: Dauys keeps it encrypted "
                "and never publishes it."
            ),
            _("Hand the filled-in sheet to the staff of %(maslikhat)s: they enter the signatures on Dauys.")
            % {"maslikhat": petition.maslikhat.name},
        )
    )
    return consent, details


def signature_sheet_pdf(petition: Petition, route) -> bytes:
    """The sheet as a PDF (A4). `route`: the petition's route (petition_tags.petition_route)."""
    url = sheet_url(petition)
    pdf = new_pdf(_SheetPDF, title=f"№ {petition.pk}: {petition.title}")
    pdf.footer_text = f"№ {petition.pk}. {_bilingual(lambda: consent_label(petition))}"
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw
    beside_qr = width - QR_SIZE - 4

    _draw_qr(pdf, sheet_qr(url), pdf.l_margin + width - QR_SIZE, pdf.t_margin, QR_SIZE)
    pdf.set_font(FONT, "B", 13)
    _lines(pdf, beside_qr, 6, _bilingual(lambda: _("Signature sheet of a petition")))
    pdf.ln(1)
    _lines(
        pdf,
        beside_qr,
        5.5,
        _bilingual(lambda: _("Petition No. %(number)s") % {"number": petition.pk}) + f": {petition.title}",
    )
    pdf.set_font(FONT, size=10)
    pdf.ln(1)
    maslikhat = petition.maslikhat
    _lines(pdf, beside_qr, 5, f"{_bilingual(lambda: _('Addressed to'))}: {maslikhat.name_kk} / {maslikhat.name_ru}")
    pdf.set_font(FONT, size=8)
    _lines(pdf, beside_qr, 4, url)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + QR_SIZE) + 3)

    def heading(text: str) -> None:
        pdf.ln(1.5)
        pdf.set_font(FONT, "B", 10.5)
        _lines(pdf, width, 5.5, text)
        pdf.set_font(FONT, size=9.5)

    heading(_bilingual(lambda: _("Text of the petition")))
    _lines(pdf, width, 4.6, petition.text)
    if route is not None:
        heading(_bilingual(lambda: _("How the petition reaches the maslikhat")))
        for note in _in_both(lambda: _route_note(route)):
            _lines(pdf, width, 4.4, note)
            pdf.ln(0.8)
        _lines(pdf, width, 4.4, f"{_bilingual(lambda: _('Source'))}: {route.legal_reference}")
        _lines(pdf, width, 4.4, route.official_portal_url)

    heading(_bilingual(lambda: _("Before you sign")))
    for consent, details in _in_both(lambda: _notice(petition)):
        pdf.set_font(FONT, "B", 9.5)
        _lines(pdf, width, 4.6, consent)
        pdf.set_font(FONT, size=9)
        _lines(pdf, width, 4.4, details)
        pdf.ln(1)

    pdf.ln(2)
    if pdf.will_page_break(8 + ROW_HEIGHT * 3):
        pdf.add_page()
    _table_heading(pdf)
    for number in range(1, ROWS + 1):
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
            _table_heading(pdf)
        for index, column_width in enumerate(COLUMNS):
            pdf.cell(column_width, ROW_HEIGHT, str(number) if index == 0 else "", border=1, align="C")
        pdf.ln(ROW_HEIGHT)
    return bytes(pdf.output())
