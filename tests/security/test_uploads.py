"""portal.uploads: the one gate for uploaded files (type by content, size, re-encoded images, PDFs
without JavaScript) and its use by petition answers and hearing documents."""

import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal import uploads
from portal.uploads import check_upload
from tests.petitions.factories import CHAIRPERSON


def _tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(out)
    return out.getvalue()


PDF = _tiny_pdf()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_with_metadata(trailer=b""):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Айгүл Сейтова, 900101300017")
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 10, 10)).save(out, format="PNG", pnginfo=info)
    return out.getvalue() + trailer


def jpeg_with_gps():
    image = Image.new("RGB", (16, 16), (0, 120, 0))
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def docx(extra: dict | None = None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            package.writestr(name, content)
    return out.getvalue()


def test_a_plain_pdf_passes_unchanged():
    checked = check_upload(upload("Күн тәртібі.pdf", PDF), kinds=(uploads.PDF,))
    assert checked.kind == "pdf" and checked.content_type == "application/pdf" and checked.size == len(PDF)
    assert checked.name.endswith(".pdf") and "/" not in checked.name


@pytest.mark.parametrize(
    "payload",
    [
        b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF",
        b"%PDF-1.4\n1 0 obj<</AA<</O<</S/J#61vaScript/J#53 (x)>>>>>>endobj\n%%EOF",
        b"%PDF-1.4\n1 0 obj<</S/Launch/F(cmd.exe)>>endobj\n%%EOF",
        b"%PDF-1.4\n1 0 obj<</Length 40/Filter/FlateDecode>>stream\n"
        + zlib.compress(b"<</S/JavaScript/JS(alert(1))>>")
        + b"\nendstream endobj\n%%EOF",
    ],
    ids=["plain", "hex-escaped-name", "launch", "compressed-object-stream"],
)
def test_pdfs_with_javascript_or_launch_actions_are_refused(payload):
    with pytest.raises(ValidationError, match="JavaScript"):
        check_upload(upload("x.pdf", payload), kinds=(uploads.PDF,))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("minutes.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("minutes.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "not a PDF"),  # PDF/HTML polyglot
        ("minutes.pdf", b"MZ\x90\x00 an executable", "not a PDF"),
        ("minutes.pdf", b"", "empty"),
        ("minutes.pdf", b"%PDF-1.4" + b"0" * 2048, "too large"),
    ],
)
def test_what_is_not_a_clean_pdf_is_refused_with_the_file_name(name, data, message):
    with pytest.raises(ValidationError, match=message) as error:
        check_upload(upload(name, data), kinds=(uploads.PDF,), max_bytes=1024)
    assert name in str(error.value)


def test_the_name_cannot_disguise_the_content():
    kinds = (uploads.PDF, uploads.PNG, uploads.JPEG, uploads.DOCX)
    with pytest.raises(ValidationError, match="not what its name says"):
        check_upload(upload("photo.png", PDF), kinds=kinds)
    # An unknown extension is replaced by the one of the detected type.
    assert check_upload(upload("answer.exe", PDF), kinds=kinds).name == "answer.pdf"
    with pytest.raises(ValidationError, match="not what its name says"):
        check_upload(upload("script.pdf", b"#!/bin/sh\nrm -rf /"), kinds=kinds)


def test_images_are_reencoded_without_metadata_or_appended_payload():
    original = png_with_metadata(trailer=b"PK\x03\x04<script>alert(1)</script>")
    with pytest.raises(ValidationError, match="not a valid image"):
        check_upload(upload("map.png", original), kinds=(uploads.PNG,))

    checked = check_upload(upload("map.png", png_with_metadata()), kinds=(uploads.PNG,))
    stored = checked.file.read()
    assert b"900101300017" not in stored and "Сейтова".encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (20, 10) and image.getpixel((0, 0))[:3] == (200, 10, 10)
        assert "Author" not in image.info
    assert checked.size == len(stored)

    jpeg = check_upload(upload("photo.jpeg", jpeg_with_gps()), kinds=(uploads.JPEG,))
    data = jpeg.file.read()
    assert b"secret description" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
    assert jpeg.name == "photo.jpg" and jpeg.content_type == "image/jpeg"


def test_broken_and_oversized_images_are_refused(monkeypatch):
    with pytest.raises(ValidationError, match="not a valid image"):
        check_upload(upload("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10), kinds=(uploads.PNG,))
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValidationError, match="too many pixels"):
        check_upload(upload("big.png", png_with_metadata()), kinds=(uploads.PNG,))


def test_word_documents_without_macros_pass_and_with_macros_are_refused():
    assert check_upload(upload("answer.docx", docx()), kinds=(uploads.DOCX,)).kind == "docx"
    with pytest.raises(ValidationError, match="macros"):
        check_upload(upload("answer.docx", docx({"word/vbaProject.bin": b"\x00" * 10})), kinds=(uploads.DOCX,))
    with pytest.raises(ValidationError, match="not a valid Word"):
        check_upload(upload("answer.docx", b"PK\x03\x04 not really a zip"), kinds=(uploads.DOCX,))


@pytest.mark.django_db
def test_petition_answers_go_through_the_gate(make_petition, staff):
    from petitions import services
    from petitions.models import Petition

    petition = make_petition(Petition.Status.AWAITING_ANSWER)
    evil = upload("answer.pdf", b"%PDF-1.4\n<</S/JavaScript/JS(alert(1))>>")
    with pytest.raises(ValidationError) as error:
        services.petition_answer(
            petition=petition, actor=staff, text="Ответ.", attachments=[evil], chairperson=CHAIRPERSON
        )
    assert "attachments" in error.value.message_dict
    petition.refresh_from_db()
    assert petition.status == Petition.Status.AWAITING_ANSWER and not petition.answer_attachments.exists()

    photo = upload("site.png", png_with_metadata())
    services.petition_answer(
        petition=petition, actor=staff, text="Ответ.", attachments=[photo], chairperson=CHAIRPERSON
    )
    attachment = petition.answer_attachments.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "site.png"
    assert b"900101300017" not in attachment.file.read()


@pytest.mark.django_db
def test_hearing_agenda_goes_through_the_gate(staff, almaty):
    from hearings.models import AgendaDocument
    from hearings.services import agenda_document_add
    from tests.hearings.factories import make_hearing

    hearing = make_hearing(staff, almaty)
    with pytest.raises(ValidationError, match="JavaScript"):
        agenda_document_add(actor=staff, hearing=hearing, upload=upload("agenda.pdf", b"%PDF-1.4 /JS (x)"))
    assert not AgendaDocument.objects.exists()
    agenda_document_add(actor=staff, hearing=hearing, upload=upload("agenda.pdf", PDF))
    assert AgendaDocument.objects.count() == 1


# ------------------------------------------------------------------------------
# Issue 13, finding 4: a real PDF parser, DOCX parts and relationships, every file field gated
# ------------------------------------------------------------------------------
def real_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalogue."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<<%s/Length %d>>\nstream\n" % (extra, len(data)) + data + b"\nendstream"


CATALOG = b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>"
PAGES = b"<</Type/Pages/Kids[]/Count 0>>"
HIDDEN_JS = b"4 0 <</S/JavaScript/JS(app.alert(1))>>"


def object_stream(encoded: bytes, filters: bytes) -> bytes:
    return stream(encoded, b"/Type/ObjStm/N 1/First 4/Filter" + filters)


@pytest.mark.parametrize(
    "pdf",
    [
        build_pdf([CATALOG, PAGES, object_stream(HIDDEN_JS.hex().encode() + b">", b"/ASCIIHexDecode")]),
        build_pdf(
            [CATALOG, PAGES, object_stream(__import__("base64").a85encode(HIDDEN_JS) + b"~>", b"/ASCII85Decode")]
        ),
        build_pdf(
            [
                CATALOG,
                PAGES,
                object_stream(zlib.compress(HIDDEN_JS).hex().encode() + b">", b"[/ASCIIHexDecode/FlateDecode]"),
            ]
        ),
    ],
    ids=["asciihex-object-stream", "ascii85-object-stream", "hex-then-flate"],
)
def test_javascript_hidden_behind_any_filter_is_found(pdf):
    with pytest.raises(ValidationError, match="JavaScript"):
        check_upload(upload("x.pdf", pdf), kinds=(uploads.PDF,))


def test_a_stream_that_inflates_past_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_INFLATED_BYTES", 1024 * 1024)
    bomb = stream(zlib.compress(b"\x00" * (3 * 1024 * 1024), 9), b"/Filter/FlateDecode")
    pdf = build_pdf([b"<</Type/Catalog/Pages 2 0 R>>", PAGES, bomb])
    with pytest.raises(ValidationError, match="could not be checked completely"):
        check_upload(upload("x.pdf", pdf), kinds=(uploads.PDF,))


@pytest.mark.parametrize(
    "catalog",
    [
        b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles<</Names[(setup.exe) 3 0 R]>>>>>>",
        b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[]/XFA 3 0 R>>>>",
    ],
    ids=["embedded-file", "xfa-form"],
)
def test_embedded_files_and_xfa_forms_are_refused(catalog):
    payload = stream(zlib.compress(b"MZ payload"), b"/Type/EmbeddedFile/Filter/FlateDecode")
    with pytest.raises(ValidationError, match="embedded files"):
        check_upload(upload("x.pdf", build_pdf([catalog, PAGES, payload])), kinds=(uploads.PDF,))


def test_a_pdf_the_parser_cannot_read_is_refused_and_a_real_one_passes():
    with pytest.raises(ValidationError, match="could not be checked completely"):
        check_upload(upload("x.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50), kinds=(uploads.PDF,))
    assert check_upload(upload("x.pdf", real_pdf()), kinds=(uploads.PDF,)).kind == "pdf"


def test_word_documents_with_embedded_programs_nested_macros_or_remote_templates_are_refused():
    settings_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
    )
    cases = {
        "macros": {"word/embeddings/setup.exe": b"MZ\x90\x00"},
        "macros ": {"word/embeddings/Microsoft_Excel_Macro-Enabled_Worksheet1.xlsm": b"PK\x03\x04"},
        "outside content": {"word/_rels/settings.xml.rels": settings_rels},
    }
    for message, parts in cases.items():
        with pytest.raises(ValidationError, match=message.strip()):
            check_upload(upload("answer.docx", docx(parts)), kinds=(uploads.DOCX,))
    hyperlink = settings_rels.replace("attachedTemplate", "hyperlink")
    assert check_upload(upload("a.docx", docx({"word/_rels/document.xml.rels": hyperlink})), kinds=(uploads.DOCX,))


def test_every_file_field_of_every_project_app_goes_through_the_gate():
    from django.apps import apps
    from django.conf import settings
    from django.db import models

    project = str(settings.BASE_DIR)
    file_fields, ungated = [], []
    for model in apps.get_models():
        path = str(model._meta.app_config.path)
        if not path.startswith(project) or "site-packages" in path:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                file_fields.append(f"{model._meta.label}.{field.name}")
                if not isinstance(field, (uploads.GatedFileField, uploads.GatedImageField)):
                    ungated.append(f"{model._meta.label}.{field.name}")
    assert "deputies.Deputy.photo" in file_fields and "petitions.AnswerAttachment.file" in file_fields
    assert not ungated, f"file fields that skip portal.uploads: {ungated}"


@pytest.mark.django_db
def test_a_file_stored_by_any_code_path_passes_the_gate(staff, almaty):
    from django.core.files.base import ContentFile

    from hearings.models import AgendaDocument
    from tests.hearings.factories import make_hearing

    hearing = make_hearing(staff, almaty)
    document = AgendaDocument(hearing=hearing, title="x", size=1)
    with pytest.raises(ValidationError, match="JavaScript"):
        document.file.save("agenda.pdf", ContentFile(b"%PDF-1.4\n<</S/JavaScript/JS(1)>>"), save=False)
    assert not document.file


@pytest.mark.django_db
def test_deputy_photos_go_through_the_gate(staff, almaty):
    from deputies.models import Deputy
    from deputies.services import deputy_update
    from tests.deputies.factories import DeputyFactory

    deputy = DeputyFactory(maslikhat=almaty)
    deputy_update(actor=staff, deputy=deputy, data={"photo": upload("face.jpg", jpeg_with_gps())})
    deputy = Deputy.objects.get(pk=deputy.pk)
    stored = deputy.photo.read()
    assert b"secret description" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
    before = deputy.photo.name
    with pytest.raises(ValidationError) as error:
        deputy_update(
            actor=staff, deputy=deputy, data={"photo": upload("face.png", png_with_metadata(b"<script>1</script>"))}
        )
    assert "photo" in error.value.message_dict
    assert Deputy.objects.get(pk=deputy.pk).photo.name == before
