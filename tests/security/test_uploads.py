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

PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


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
        services.petition_answer(petition=petition, actor=staff, text="Ответ.", attachments=[evil])
    assert "attachments" in error.value.message_dict
    petition.refresh_from_db()
    assert petition.status == Petition.Status.AWAITING_ANSWER and not petition.answer_attachments.exists()

    photo = upload("site.png", png_with_metadata())
    services.petition_answer(petition=petition, actor=staff, text="Ответ.", attachments=[photo])
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
