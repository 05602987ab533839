"""Uploaded documents: what their bytes show them to be, whether we accept them, and their text for search."""

import logging
import time
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.uploads import DOCX, JPEG, PDF, PNG, ArchiveTooLarge, check_archive_bounds, sniff_content_type

from .models import MAX_EXTRACTED_TEXT, Resource

# The documents whose text is read for search; an image has none.
TEXT_TYPES = {PDF, DOCX}

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Reading a document's text stops after this long (what was read is kept), and a PDF after this many pages:
# a request must finish well inside the worker's timeout whatever the document holds.
DEFAULT_TEXT_SECONDS = 5
MAX_PDF_PAGES = 500


# Extension -> the content type the file's bytes must show.
ALLOWED_TYPES = {".pdf": PDF, ".docx": DOCX, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
TYPE_LABELS = {PDF: "PDF", DOCX: "Word", PNG: "PNG", JPEG: "JPEG"}
# Shown in the browser; anything else is downloaded.
INLINE_TYPES = {PDF, PNG, JPEG}


def max_upload_size():
    return getattr(settings, "RESOURCE_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


def check_upload(upload):
    """Refuse empty, too large, and wrongly typed files (judged by content, not name); return the type."""
    limit = max_upload_size()
    if not upload.size:
        raise ValidationError(_("The file is empty. Choose the document again."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Upload a smaller file or give a link instead."),
            code="too_big",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    extension = PurePath(upload.name or "").suffix.lower()
    expected = ALLOWED_TYPES.get(extension)
    if expected is None:
        raise ValidationError(_("Upload a PDF, a Word document (.docx) or an image (PNG or JPEG)."), code="extension")
    actual = sniff_content_type(upload)
    if actual != expected:
        raise ValidationError(
            _(
                "This file is named .%(extension)s but its content is not a %(kind)s file. "
                "Upload the original document."
            ),
            code="content",
            params={"extension": extension.lstrip("."), "kind": TYPE_LABELS[expected]},
        )
    if actual == DOCX:
        try:
            check_archive_bounds(upload)
        except ArchiveTooLarge as error:
            raise ValidationError(
                _(
                    "This document would expand to %(expanded)s when opened, far more than a document of "
                    "%(size)s holds, so it was not accepted. Save it again from your word processor, or upload "
                    "it as PDF."
                ),
                code="expands",
                params={"expanded": filesizeformat(error.expanded), "size": filesizeformat(upload.size)},
            ) from None
    return actual


def extract_text(upload, content_type):
    """The document's text for search ('' for images, or when the document cannot be read).

    Bounded whatever the document: at most MAX_EXTRACTED_TEXT characters, RESOURCE_TEXT_SECONDS seconds and
    MAX_PDF_PAGES pages; a .docx is refused beforehand when its archive would expand too far (check_upload).
    """
    upload.seek(0)
    deadline = time.monotonic() + getattr(settings, "RESOURCE_TEXT_SECONDS", DEFAULT_TEXT_SECONDS)
    try:
        if content_type == PDF:
            return _pdf_text(upload, deadline)
        if content_type == DOCX:
            check_archive_bounds(upload)
            return _docx_text(upload, deadline)
    except Exception:  # A damaged document is still kept; it just cannot be searched by its text.
        logger.warning("Could not extract text from %s", getattr(upload, "name", "upload"), exc_info=True)
        return ""
    finally:
        upload.seek(0)
    return ""


def _out_of_time(deadline, name):
    if time.monotonic() < deadline:
        return False
    logger.warning("Stopped reading the text of %s: it took too long; the text read so far is kept", name)
    return True


def _pdf_text(handle, deadline):
    from pypdf import PdfReader

    reader = PdfReader(handle)
    parts, size = [], 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or size > MAX_EXTRACTED_TEXT or _out_of_time(deadline, handle):
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return _tidy("\n".join(parts))[:MAX_EXTRACTED_TEXT]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Elements whose end closes a block of text: once read they are dropped, so memory stays flat.
DOCX_BLOCKS = {f"{W}p", f"{W}tc", f"{W}tr", f"{W}tbl"}


def _docx_text(handle, deadline):
    """The body's text, paragraph by paragraph (table cells included), read as a stream of XML events.

    Linear in the XML's size, unlike walking python-docx's tables (a row's cells are found anew for
    each cell); it stops at MAX_EXTRACTED_TEXT characters or the deadline.
    """
    from lxml import etree

    lines, line, size = [], [], 0
    with zipfile.ZipFile(handle) as archive, archive.open("word/document.xml") as xml:
        events = etree.iterparse(
            xml,
            events=("end",),
            tag=[f"{W}t", f"{W}tab", f"{W}br", *DOCX_BLOCKS],
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        )
        for count, (_event, element) in enumerate(events):
            tag = element.tag
            if tag == f"{W}t":
                line.append(element.text or "")
            elif tag in (f"{W}tab", f"{W}br"):
                line.append(" ")
            else:
                if line:
                    text = "".join(line)
                    lines.append(text)
                    size += len(text) + 1
                    line = []
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
            if size > MAX_EXTRACTED_TEXT or (count % 1000 == 0 and _out_of_time(deadline, handle)):
                break
    if line:
        lines.append("".join(line))
    return _tidy("\n".join(lines))[:MAX_EXTRACTED_TEXT]


def _tidy(text):
    # NUL bytes cannot be stored in PostgreSQL text columns.
    lines = (" ".join(line.replace("\x00", " ").split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def read_resource_text(*, resource_id: int, file_name: str) -> bool:
    """Read the text of the resource's document for search, if it still holds that file.

    False when the resource is gone or has another file since the upload (a later upload queued its own
    reading). A document that cannot be read is kept, with no text.
    """
    resource = Resource.objects.filter(pk=resource_id, file=file_name).only("pk", "file", "file_type").first()
    if resource is None:
        return False
    with resource.file.open("rb") as handle:
        text = extract_text(handle, resource.file_type)
    updated = Resource.objects.filter(pk=resource_id, file=file_name).update(
        extracted_text=text[:MAX_EXTRACTED_TEXT], text_pending=False
    )
    return bool(updated)
