"""What the petitions' PDF documents share (the appeal, the paper signature sheet): fpdf2 with DejaVu
Sans embedded from static/fonts, which carries the Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І), and the
"Kazakh / Russian" way both documents write a heading."""

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

FONT = "DejaVu"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


def new_pdf(pdf_class: type[FPDF] = FPDF, *, title: str) -> FPDF:
    """An A4 document with the fonts registered (regular and bold under FONT), its title and
    `{nb}` standing for the number of pages."""
    pdf = pdf_class(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Dauys")
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.alias_nb_pages()
    return pdf


def both(kk: str, ru: str) -> str:
    """A heading in Kazakh and Russian, once when the two are the same word."""
    return kk if kk == ru else f"{kk} / {ru}"
