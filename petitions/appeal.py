"""The collective appeal a petition becomes when it reaches its threshold: pure functions that turn
the frozen appeal data into its machine-readable JSON, the SHA-256 digest of the list of signers and
a PDF with embedded fonts that carry the Kazakh letters (petitions.pdf).

The document is addressed to a state body, so its headings are fixed in Kazakh and Russian (the
state and the official language), whatever the language of the person who triggered it."""

import hashlib
import json

from fpdf import FPDF

from petitions.pdf import FONT, both, new_pdf

# Headings of the appeal, Kazakh / Russian.
LABELS = {
    "title": ("Жеке тұлғалардың ұжымдық өтініші", "Коллективное обращение физических лиц"),
    "to": ("Кімге", "Кому"),
    "petition": ("Петиция", "Петиция"),
    "basis": ("Негіздеме", "Основание"),
    "counts": ("Сайлау округтері бойынша қолдар", "Подписи по избирательным округам"),
    "signers": ("Қол қойғандар тізімі", "Список подписавших"),
    "name": ("Аты-жөні", "ФИО"),
    "district": ("Округ", "Округ"),
    "date": ("Күні", "Дата"),
    "total": ("Барлығы", "Всего"),
    "outside": ("Округтен тыс", "Вне округов"),
    "digest": ("Тізімнің SHA-256 дайджесті", "SHA-256 дайджест списка"),
    "method": ("Тәсілі", "Способ"),
    "consent": (
        "Аты-жөні қол қою алдында оны округімен бірге мәслихатқа жіберуге келісім берген қол қоюшылар үшін ғана "
        "көрсетілген; қалғандары атынсыз есептелген. ЭЦҚ: электрондық цифрлық қолтаңбамен қойылған қол "
        "(куәлігі мен CMS сақталады); қағаз: қағаз парағына қойылған қол.",
        "ФИО указаны только для подписавших, которые до подписания согласились на передачу маслихату своего ФИО "
        "и округа; остальные учтены без имени. ЭЦП: подписано электронной цифровой подписью (сертификат и CMS "
        "хранятся); бумага: подпись на бумажном листе.",
    ),
}

# How each signer signed (Signature.Method), as the appeal's table marks it, Kazakh / Russian.
METHODS = {"email": ("онлайн", "онлайн"), "eds": ("ЭЦҚ", "ЭЦП"), "paper": ("қағаз", "бумага")}


def method_label(method: str) -> str:
    return both(*METHODS.get(method, (method, method)))


def label(key: str) -> str:
    return both(*LABELS[key])


def canonical_signers(signers: list[dict]) -> bytes:
    """The list as signed by the digest: sorted keys, no spaces, UTF-8."""
    return json.dumps(signers, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signers_digest(signers: list[dict]) -> str:
    return hashlib.sha256(canonical_signers(signers)).hexdigest()


def appeal_json(data: dict) -> bytes:
    """The machine-readable appeal: the same data as the PDF, with the digest of `signers`."""
    document = dict(data, signers_sha256=signers_digest(data["signers"]))
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()


class _AppealPDF(FPDF):
    digest = ""

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, size=7)
        self.multi_cell(0, 3.5, f"{label('digest')}: {self.digest}    {self.page_no()}/{{nb}}", align="C")


def appeal_pdf(data: dict) -> bytes:
    """The appeal as a PDF (A4). `data` is what `petitions.delivery.appeal_data` froze: petition,
    addressee, route, districts, signers."""
    pdf = new_pdf(_AppealPDF, title=data["petition"]["title"])
    pdf.digest = signers_digest(data["signers"])
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 11) -> None:
        pdf.ln(2)
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(width, 6, text)
        pdf.set_font(FONT, size=10)

    addressee = data["addressee"]
    heading(label("title"), 14)
    pdf.multi_cell(width, 5, f"{label('to')}: {addressee['name_kk']} / {addressee['name_ru']}")
    if addressee.get("email"):
        pdf.multi_cell(width, 5, addressee["email"])
    heading(f"{label('petition')} № {data['petition']['id']}: {data['petition']['title']}")
    pdf.multi_cell(width, 5, data["petition"]["text"])
    pdf.ln(1)
    pdf.multi_cell(width, 5, data["petition"]["url"])
    heading(label("basis"))
    pdf.multi_cell(width, 5, data["route"]["legal_reference"])
    heading(label("counts"))
    with pdf.table(col_widths=(70, 30), text_align=("LEFT", "RIGHT"), first_row_as_headings=True) as table:
        table.row([label("district"), label("total")])
        for district in data["districts"]:
            table.row([district["district"] or label("outside"), str(district["signatures"])])
        table.row([label("total"), str(len(data["signers"]))])
    heading(label("signers"))
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(width, 4.5, label("consent"))
    pdf.ln(1)
    _signers_table(pdf, data["signers"])
    return bytes(pdf.output())


SIGNER_COLUMNS = (8, 46, 28, 18, 14)  # proportions of the page's width: №, full name, district, date, method
LINE = 4.5


def _signers_table(pdf: FPDF, signers: list[dict]) -> None:
    """The list of signers, drawn cell by cell: fpdf2's table() laid a 46,000-row list out in 391 s
    on the shared 2-core machine, this in 123 s (same load; 2.4 MB). The delivery builds it before
    claiming its row (petitions/delivery.py). The heading row repeats on every page; a text too long
    for its column wraps, and the row grows to fit it (nothing is cut off)."""
    widths = [pdf.epw * share / sum(SIGNER_COLUMNS) for share in SIGNER_COLUMNS]
    heading = ["№", label("name"), label("district"), label("date"), label("method")]

    def row(cells: list[str], bold: bool = False) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", 9)
        room = [width - 2 * pdf.c_margin for width in widths]
        lines = [
            [text]
            if pdf.get_string_width(text) <= space
            else pdf.multi_cell(width, LINE, text, dry_run=True, output="LINES")
            for text, width, space in zip(cells, widths, room, strict=True)
        ]
        height = LINE * max(len(wrapped) for wrapped in lines)
        if not bold and pdf.will_page_break(height):
            pdf.add_page()
            row(heading, bold=True)
            pdf.set_font("DejaVu", "", 9)
        x, y = pdf.l_margin, pdf.get_y()
        for text, width, wrapped in zip(cells, widths, lines, strict=True):
            pdf.rect(x, y, width, height)
            pdf.set_xy(x, y)
            if len(wrapped) == 1:
                pdf.cell(width, LINE, text)
            else:
                pdf.multi_cell(width, LINE, text)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    row(heading, bold=True)
    for number, signer in enumerate(signers, 1):
        row(
            [
                str(number),
                signer["full_name"] or "—",
                signer["district"] or "—",
                signer["signed_on"],
                # Lists frozen before signatures carried their method were all signed online.
                method_label(signer.get("method", "email")),
            ]
        )
