"""One gate for every uploaded file: the type comes from the content, never from the name or the
browser's Content-Type; size is bounded; images are re-encoded so only pixels survive (metadata
such as GPS coordinates and any appended payload are dropped); PDFs are parsed by a PDF library
(pypdf), every object and every stream decoded through all its filters, and refused when they carry
JavaScript, a launch action, an embedded file or an XFA form anywhere, or when the inspection cannot
finish within its budget (fail closed); DOCX must be a plain Word package: no macros, no embedded
objects or programs, no relationship to outside content but hyperlinks.

Every FileField and ImageField of the project is a `GatedFileField` / `GatedImageField`: whatever
code stores a file there, the file passes this gate first (a test lists every file field of every
project app and fails on one that is not gated). Tests: tests/security/test_uploads.py."""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
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
# PDF objects visited at most; a file needing more is refused rather than half inspected.
MAX_PDF_OBJECTS = 200_000
# Names that run code, start programs, carry files or forms that do: refused wherever they appear.
_PDF_CODE_NAMES = {"/JavaScript", "/JS", "/Launch"}
_PDF_PAYLOAD_NAMES = {"/EmbeddedFile", "/EmbeddedFiles", "/XFA", "/RichMedia", "/GoToE"}
_PDF_PAYLOAD = re.compile(rb"/(?:EmbeddedFiles?|XFA|RichMedia|GoToE)(?![A-Za-z0-9])")

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


def _raw_inflated_streams(data: bytes):
    """Flate streams found by a byte scan, whatever the cross-reference table says: a cheap first pass
    that also sees streams a lenient viewer would find and the parser might not."""
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


class _Uninspectable(Exception):
    pass


def _active_in_bytes(chunk: bytes) -> str | None:
    decoded = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
    if _PDF_ACTIVE.search(decoded):
        return "code"
    if _PDF_PAYLOAD.search(decoded):
        return "payload"
    return None


def _inspect_pdf(data: bytes) -> str | None:
    """ "code", "payload" or None. Raises _Uninspectable when the file cannot be inspected in full."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    limit = MAX_INFLATED_BYTES
    limits = {
        "maximum_declared_stream_length": limit,
        "array_based_stream_maximum_output_length": limit,
        "jbig2_maximum_output_length": limit,
        "lzw_maximum_output_length": limit,
        "run_length_maximum_output_length": limit,
        "zlib_maximum_output_length": limit,
        "brotli_maximum_output_length": limit,
        "image_maximum_buffer_size": limit,
    }
    budget = MAX_INFLATED_BYTES
    try:
        with pypdf.apply_configuration(**limits):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise _Uninspectable("encrypted")
            stack: list = [reader.trailer]
            for generation, table in reader.xref.items():
                stack.extend(IndirectObject(number, generation, reader) for number in table)
            stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
            seen: set = set()
            visited = 0
            while stack:
                obj = stack.pop()
                visited += 1
                if visited > MAX_PDF_OBJECTS:
                    raise _Uninspectable("too many objects")
                if isinstance(obj, IndirectObject):
                    key = (obj.idnum, obj.generation)
                    if key in seen:
                        continue
                    seen.add(key)
                    obj = obj.get_object()
                if isinstance(obj, NameObject):
                    if str(obj) in _PDF_CODE_NAMES:
                        return "code"
                    if str(obj) in _PDF_PAYLOAD_NAMES:
                        return "payload"
                elif isinstance(obj, DictionaryObject):
                    for name, value in dict.items(obj):
                        if str(name) in _PDF_CODE_NAMES:
                            return "code"
                        if str(name) in _PDF_PAYLOAD_NAMES:
                            return "payload"
                        stack.append(value)
                    if isinstance(obj, StreamObject) and obj.get("/Subtype") != "/Image":
                        decoded = obj.get_data()  # every filter, ASCIIHex and ASCII85 included
                        budget -= len(decoded)
                        if budget < 0:
                            raise _Uninspectable("inflates past the budget")
                        found = _active_in_bytes(decoded)
                        if found:
                            return found
                elif isinstance(obj, ArrayObject):
                    stack.extend(list.__iter__(obj))
    except _Uninspectable:
        raise
    except Exception as error:  # noqa: BLE001 - whatever stops the parser, the file is refused
        raise _Uninspectable(type(error).__name__) from None
    return None


def _check_pdf(data: bytes, name: str) -> None:
    code = ValidationError(
        _("“%(name)s” contains JavaScript or a launch action; such documents are not accepted.") % {"name": name}
    )
    payload = ValidationError(
        _("“%(name)s” contains embedded files or an interactive form; such documents are not accepted.")
        % {"name": name}
    )
    if _MARKUP.search(data):
        raise ValidationError(_("“%(name)s” is not a PDF document.") % {"name": name})
    # The raw bytes first: cheap, and covers what a lenient reader might find outside the parsed objects.
    found = next(filter(None, map(_active_in_bytes, (data, *_raw_inflated_streams(data)))), None)
    if found is None:
        try:
            found = _inspect_pdf(data)
        except _Uninspectable:
            raise ValidationError(
                _("“%(name)s” could not be checked completely; such documents are not accepted.") % {"name": name}
            ) from None
    if found == "code":
        raise code
    if found == "payload":
        raise payload


# Parts a plain Word document is made of; anything else (programs, OLE objects, nested packages
# such as a macro-enabled workbook, printer settings binaries) is refused.
_DOCX_PART_EXTENSIONS = {
    "xml", "rels", "png", "jpeg", "jpg", "gif", "bmp", "tif", "tiff", "emf", "wmf", "svg", "odttf", "fntdata",
}  # fmt: skip
_DOCX_ACTIVE_CONTENT_TYPES = re.compile(r"macroEnabled|vbaProject|vbaData|oleObject|activeX|package", re.IGNORECASE)
_DOCX_ACTIVE_RELATIONSHIPS = re.compile(r"/(?:oleObject|package|vbaProject|control|aFChunk)$", re.IGNORECASE)
_MAX_DOCX_PARTS = 2000
_MAX_DOCX_XML_READ = 2 * 1024 * 1024


def _xml_attributes(text: bytes, tag: str) -> list[dict[str, str]]:
    from xml.etree import ElementTree

    # Office parts never carry a DTD: refusing one rules out entity expansion ("billion laughs") and
    # external entities before the parser sees the text.
    if b"<!DOCTYPE" in text.upper() or b"<!ENTITY" in text.upper():
        raise ValueError("a DTD in an Office part")
    root = ElementTree.fromstring(text)  # noqa: S314 - no DTD (checked above), so no entity tricks
    return [dict(el.attrib) for el in root.iter() if el.tag.rsplit("}", 1)[-1] == tag]


def _check_docx(data: bytes, name: str) -> None:
    invalid = ValidationError(_("“%(name)s” is not a valid Word document.") % {"name": name})
    active = ValidationError(
        _("“%(name)s” contains macros or embedded programs; such documents are not accepted.") % {"name": name}
    )
    external = ValidationError(
        _("“%(name)s” links to outside content (such as a remote template); such documents are not accepted.")
        % {"name": name}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise invalid
            if len(members) > _MAX_DOCX_PARTS or sum(member.file_size for member in members) > MAX_INFLATED_BYTES:
                raise invalid
            for member in members:
                lowered = member.filename.lower()
                if member.is_dir():
                    continue
                folders = lowered.split("/")[:-1]
                extension = lowered.rsplit(".", 1)[-1] if "." in lowered.rsplit("/", 1)[-1] else ""
                if (
                    {"embeddings", "activex"} & set(folders)
                    or "vbaproject" in lowered
                    or extension not in _DOCX_PART_EXTENSIONS
                ):
                    raise active
            types = package.read("[Content_Types].xml")[:_MAX_DOCX_XML_READ]
            content_types = [a.get("ContentType", "") for a in _xml_attributes(types, "Default")]
            content_types += [a.get("ContentType", "") for a in _xml_attributes(types, "Override")]
            if any(_DOCX_ACTIVE_CONTENT_TYPES.search(t) for t in content_types):
                raise active
            for member in members:
                if not member.filename.lower().endswith(".rels"):
                    continue
                if member.file_size > _MAX_DOCX_XML_READ:
                    raise invalid
                for relationship in _xml_attributes(package.read(member), "Relationship"):
                    kind = relationship.get("Type", "")
                    if _DOCX_ACTIVE_RELATIONSHIPS.search(kind):
                        raise active
                    if relationship.get("TargetMode", "").lower() == "external" and not kind.endswith("/hyperlink"):
                        raise external
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a broken zip, broken XML or a parser limit: refused (fail closed)
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
        stored = upload if isinstance(upload, File) else File(upload, name=safe_name)
    elif kind == DOCX:
        _check_docx(data, name)
        stored = upload if isinstance(upload, File) else File(upload, name=safe_name)
    else:
        data = _reencode_image(data, kind, name)
        stored = ContentFile(data, name=safe_name)
    stored.dauys_checked = (kind, max_bytes)  # GatedFieldFile.save stores it without a second pass
    return CheckedUpload(name=safe_name, kind=kind, content_type=CONTENT_TYPES[kind], file=stored, size=len(data))


# ------------------------------------------------------------------------------
# Model fields that cannot store a file the gate has not passed
# ------------------------------------------------------------------------------
class _GatedSave:
    def save(self, name, content, save=True):
        field = self.field
        checked = getattr(content, "dauys_checked", None)
        if not checked or checked[0] not in field.upload_kinds or checked[1] > field.upload_max_bytes:
            if not getattr(content, "name", None):
                content.name = name
            try:
                result = check_upload(content, kinds=field.upload_kinds, max_bytes=field.upload_max_bytes)
            except ValidationError as error:
                raise ValidationError({field.name: error.messages}) from None
            content = result.file
            stem = name.rsplit("/", 1)[-1]
            name = _safe_stem(stem) + EXTENSIONS[result.kind][0]
        return super().save(name, content, save)


class GatedFieldFile(_GatedSave, FieldFile):
    pass


class GatedImageFieldFile(_GatedSave, ImageFieldFile):
    pass


class _GatedField:
    """upload_kinds and upload_max_bytes name what the field accepts. Migrations see the plain Django
    field (deconstruct): the gate is behaviour, not schema."""

    def __init__(self, *args, upload_kinds=(PDF,), upload_max_bytes: int = DEFAULT_MAX_BYTES, **kwargs):
        self.upload_kinds = tuple(upload_kinds)
        self.upload_max_bytes = upload_max_bytes
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self._plain_path, args, kwargs


class GatedFileField(_GatedField, models.FileField):
    attr_class = GatedFieldFile
    _plain_path = "django.db.models.FileField"


class GatedImageField(_GatedField, models.ImageField):
    attr_class = GatedImageFieldFile
    _plain_path = "django.db.models.ImageField"

    def __init__(self, *args, upload_kinds=(PNG, JPEG), **kwargs):
        super().__init__(*args, upload_kinds=upload_kinds, **kwargs)
