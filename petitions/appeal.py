"""The collective appeal a petition becomes when it reaches its threshold: pure functions that turn
the frozen appeal data into its machine-readable JSON, the SHA-256 digest of the list of signers and
a PDF with embedded fonts that carry the Kazakh letters (DejaVu Sans, shipped in static/fonts).

The document is addressed to a state body, so its headings are fixed in Kazakh and Russian (the
state and the official language), whatever the language of the person who triggered it."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

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
    kk, ru = METHODS.get(method, (method, method))
    return kk if kk == ru else f"{kk} / {ru}"


def label(key: str) -> str:
    kk, ru = LABELS[key]
    return kk if kk == ru else f"{kk} / {ru}"


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
        self.set_font("DejaVu", size=7)
        self.multi_cell(0, 3.5, f"{label('digest')}: {self.digest}    {self.page_no()}/{{nb}}", align="C")


def appeal_pdf(data: dict) -> bytes:
    """The appeal as a PDF (A4). `data` is what `petitions.delivery.appeal_data` froze: petition,
    addressee, route, districts, signers."""
    pdf = _AppealPDF(format="A4")
    pdf.digest = signers_digest(data["signers"])
    pdf.set_title(data["petition"]["title"])
    pdf.set_creator("Dauys")
    pdf.add_font("DejaVu", "", str(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 11) -> None:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 6, text)
        pdf.set_font("DejaVu", size=10)

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
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(width, 4.5, label("consent"))
    pdf.ln(1)
    with pdf.table(col_widths=(8, 46, 28, 18, 14), first_row_as_headings=True) as table:
        table.row(["№", label("name"), label("district"), label("date"), label("method")])
        for number, signer in enumerate(data["signers"], 1):
            table.row(
                [
                    str(number),
                    signer["full_name"] or "—",
                    signer["district"] or "—",
                    signer["signed_on"],
                    # Lists frozen before signatures carried their method were all signed online.
                    method_label(signer.get("method", "email")),
                ]
            )
    return bytes(pdf.output())
