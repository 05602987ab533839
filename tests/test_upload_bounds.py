"""Bounded work on uploads: a .docx zip bomb is refused from its archive's directory before anything is
read, and reading any document's text stops at a bounded size and time."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles, uploads
from resources import documents
from resources.models import MAX_EXTRACTED_TEXT, Resource
from tests import factories as f
from tests.library_fixtures import docx_bytes, form_data

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)


def docx_bomb(expanded=6 * 1024 * 1024):
    """A .docx of about 10 KB whose body expands to `expanded` bytes of table cells."""
    cell = "<w:tc><w:p><w:r><w:t>" + "x" * 5000 + "</w:t></w:r></w:p></w:tc>"
    row = "<w:tr>" + cell * 5 + "</w:tr>"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<w:document xmlns:w="{documents.W[1:-1]}"><w:body><w:tbl>'
        + row * (expanded // len(row) + 1)
        + "</w:tbl></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def test_the_bomb_is_small_and_expands_to_six_megabytes():
    bomb = docx_bomb()
    assert len(bomb) < 10_000
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size > 6 * 1024 * 1024


@pytest.mark.parametrize(("role", "url"), [(roles.STAFF, "resources:new"), (roles.ORGANIZER, "resources:suggest")])
def test_a_docx_bomb_is_refused_fast_with_a_message_and_the_form_kept(client, role, url):
    client.force_login(f.UserFactory(role=role))
    upload = SimpleUploadedFile("toolkit.docx", docx_bomb())
    started = time.monotonic()
    response = client.post(reverse(url), form_data(title="Keep this title", upload=upload))
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert elapsed < 2, f"took {elapsed:.1f} s"
    error = " ".join(response.context["form"].errors["upload"])
    assert "would expand to 6.0\xa0MB when opened" in error
    assert 'value="Keep this title"' in response.content.decode()
    assert not Resource.objects.exists()


def test_reading_a_bomb_past_the_checks_still_stops_at_the_text_cap_quickly(monkeypatch):
    """Were the archive's bounds looser, the text is read as a stream and cut at MAX_EXTRACTED_TEXT."""
    monkeypatch.setattr(uploads, "ZIP_MAX_RATIO", 10**9)
    started = time.monotonic()
    text = documents.extract_text(io.BytesIO(docx_bomb()), uploads.DOCX)
    elapsed = time.monotonic() - started
    assert len(text) == MAX_EXTRACTED_TEXT
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_reading_stops_at_the_deadline_and_keeps_what_was_read(monkeypatch, settings):
    monkeypatch.setattr(uploads, "ZIP_MAX_RATIO", 10**9)
    settings.RESOURCE_TEXT_SECONDS = 0
    text = documents.extract_text(io.BytesIO(docx_bomb()), uploads.DOCX)
    assert text == "x" * 5000  # the first cell, read before the first look at the clock


def test_a_bomb_given_to_extract_text_directly_is_not_read():
    assert documents.extract_text(io.BytesIO(docx_bomb()), uploads.DOCX) == ""


def test_text_of_paragraphs_tabs_and_table_cells_in_order():
    import docx

    document = docx.Document()
    document.add_paragraph("Know your rights")
    document.add_paragraph("Holds\tand notifications")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Alameda"
    table.cell(1, 1).text = "No holds"
    buffer = io.BytesIO()
    document.save(buffer)
    text = documents.extract_text(buffer, uploads.DOCX)
    assert text == "Know your rights\nHolds and notifications\nAlameda\nNo holds"


def test_an_ordinary_docx_passes_the_bounds():
    upload = SimpleUploadedFile("toolkit.docx", docx_bytes("Open records toolkit " * 5000))
    assert documents.check_upload(upload) == uploads.DOCX


def test_a_pdf_stops_at_the_page_limit(monkeypatch):
    from resources.demo import simple_pdf

    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 0)
    assert documents.extract_text(io.BytesIO(simple_pdf(["ICE detainers explained"])), uploads.PDF) == ""
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 1)
    assert "detainers" in documents.extract_text(io.BytesIO(simple_pdf(["ICE detainers explained"])), uploads.PDF)
