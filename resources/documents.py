"""Uploaded documents: what their bytes show them to be, whether we accept them, and their text for search."""

import logging
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.uploads import DOCX, JPEG, PDF, PNG, sniff_content_type

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024


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
    return actual


def extract_text(upload, content_type):
    """The document's text for search ('' for images, or when the document cannot be read)."""
    upload.seek(0)
    try:
        if content_type == PDF:
            return _pdf_text(upload)
        if content_type == DOCX:
            return _docx_text(upload)
    except Exception:  # A damaged document is still kept; it just cannot be searched by its text.
        logger.warning("Could not extract text from %s", getattr(upload, "name", "upload"), exc_info=True)
        return ""
    finally:
        upload.seek(0)
    return ""


def _pdf_text(handle):
    from pypdf import PdfReader

    reader = PdfReader(handle)
    parts, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > 400_000:
            break
    return _tidy("\n".join(parts))


def _docx_text(handle):
    import docx

    document = docx.Document(handle)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _tidy("\n".join(parts))


def _tidy(text):
    # NUL bytes cannot be stored in PostgreSQL text columns.
    lines = (" ".join(line.replace("\x00", " ").split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
