"""One gate for every uploaded file: the type comes from the content, never from the name or the
browser's Content-Type; size is bounded; images are re-encoded so only pixels survive (metadata
such as GPS coordinates and any appended payload are dropped); PDFs must not carry JavaScript or
launch actions; DOCX must be a plain Word package without macros.

Used by petition answer attachments (petitions.services) and hearing agenda and minutes documents
(hearings.services). Tests: tests/portal/test_uploads.py."""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

PDF, PNG, JPEG, DOCX = "pdf", "png", "jpeg", "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg"), DOCX: (".docx",)}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Larger images are refused rather than decoded: a small file can expand to gigabytes of pixels.
MAX_IMAGE_PIXELS = 40_000_000
# Bytes inflated while looking inside compressed PDF streams and DOCX parts, in total.
MAX_INFLATED_BYTES = 64 * 1024 * 1024

# Actions that run code or programs when a PDF is opened. Names may be written with #xx escapes
# (/J#61vaScript), so names are decoded before matching.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
# Markup that a browser would execute if it ever sniffed the file as HTML: a polyglot.
_MARKUP = re.compile(rb"<\s*(?:script|html|body|iframe|svg|\?php)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # safe file name with the extension of the detected type
    kind: str
    content_type: str
    file: File  # what to store: the re-encoded image, or the original document
    size: int


def _display_name(upload) -> str:
    return (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]


def _safe_stem(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return re.sub(r"[^\w\-]+", "_", stem).strip("_")[:80] or "document"


def _read_all(upload, max_bytes: int) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def detect_kind(data: bytes) -> str | None:
    if data.lstrip(b"\x00\t\n\f\r ")[:5] == b"%PDF-":
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return DOCX
    return None


def _inflated_streams(data: bytes):
    budget = MAX_INFLATED_BYTES
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        try:
            inflated = zlib.decompressobj().decompress(match.group(1).strip(), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated


def _pdf_is_active(data: bytes) -> bool:
    for chunk in (data, *_inflated_streams(data)):
        decoded = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        if _PDF_ACTIVE.search(decoded):
            return True
    return False


def _check_pdf(data: bytes, name: str) -> None:
    if _pdf_is_active(data):
        raise ValidationError(
            _("“%(name)s” contains JavaScript or a launch action; such documents are not accepted.") % {"name": name}
        )
    if _MARKUP.search(data):
        raise ValidationError(_("“%(name)s” is not a PDF document.") % {"name": name})


def _check_docx(data: bytes, name: str) -> None:
    invalid = ValidationError(_("“%(name)s” is not a valid Word document.") % {"name": name})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise invalid
            if sum(member.file_size for member in members) > MAX_INFLATED_BYTES:
                raise invalid
            if any(
                n.lower().endswith(("vbaproject.bin", ".bin")) or n.lower().startswith("word/activex") for n in names
            ):
                raise ValidationError(
                    _("“%(name)s” contains macros or embedded programs; such documents are not accepted.")
                    % {"name": name}
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise invalid from None


def _reencode_image(data: bytes, kind: str, name: str) -> bytes:
    from PIL import Image

    invalid = ValidationError(_("“%(name)s” is not a valid image.") % {"name": name})
    if _MARKUP.search(data):
        raise invalid
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("“%(name)s” has too many pixels.") % {"name": name})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if (image.format or "").lower() not in {PNG, JPEG}:
                raise invalid
            image.load()
            if kind == JPEG:
                clean = image.convert("RGB")
            else:
                clean = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
            out = io.BytesIO()
            # A new image from the pixels alone: no EXIF, ICC, text chunks or trailing bytes carried over.
            pixels_only = Image.new(clean.mode, clean.size)
            pixels_only.paste(clean)
            pixels_only.save(out, format="JPEG" if kind == JPEG else "PNG", quality=90, optimize=True)
            return out.getvalue()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise invalid from None


def check_upload(upload, *, kinds=(PDF,), max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedUpload:
    """Validate `upload` (a Django UploadedFile or any file object with a name) and return what to
    store. Raises a translated ValidationError naming the file when it is refused."""
    name = _display_name(upload)
    limit_mb = max(1, max_bytes // (1024 * 1024))
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(_("“%(name)s” is too large: at most %(limit)d MB.") % {"name": name, "limit": limit_mb})
    data = _read_all(upload, max_bytes)
    if len(data) > max_bytes:
        raise ValidationError(_("“%(name)s” is too large: at most %(limit)d MB.") % {"name": name, "limit": limit_mb})
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    kind = detect_kind(data)
    if kind not in kinds:
        if tuple(kinds) == (PDF,):
            raise ValidationError(_("“%(name)s” is not a PDF document.") % {"name": name})
        raise ValidationError(_("The file “%(name)s” is not what its name says.") % {"name": name})
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    named_kind = next((k for k, extensions in EXTENSIONS.items() if extension in extensions), None)
    if named_kind is not None and named_kind != kind:
        raise ValidationError(_("The file “%(name)s” is not what its name says.") % {"name": name})
    safe_name = _safe_stem(name) + EXTENSIONS[kind][0]
    if kind == PDF:
        _check_pdf(data, name)
        stored = upload
    elif kind == DOCX:
        _check_docx(data, name)
        stored = upload
    else:
        data = _reencode_image(data, kind, name)
        stored = ContentFile(data, name=safe_name)
    return CheckedUpload(name=safe_name, kind=kind, content_type=CONTENT_TYPES[kind], file=stored, size=len(data))
