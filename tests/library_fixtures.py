"""What the library page tests share: uploads in a temporary media folder, form data, test files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources.demo import simple_pdf
from resources.models import Kind, Language

LIST = reverse("resources:list")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def listed(response):
    return [resource.title for resource in response.context["page"].object_list]


def pdf_upload(name="advisory.pdf", lines=("ICE detainers explained",)):
    return SimpleUploadedFile(name, simple_pdf(list(lines)), content_type="application/pdf")


def docx_bytes(text):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def form_data(**overrides):
    data = {
        "title": "Fact sheet on holds",
        "kind": Kind.FACT_SHEET,
        "summary": "What a detainer is.",
        "published_on": "2024-03-01",
        "language": Language.ENGLISH,
        "url": "",
        "template_body": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def worker_reads_text(django_capture_on_commit_callbacks):
    """The reading of an upload's text runs at once, as a worker would run it once the upload commits.

    Use as a context manager around the request: `with worker_reads_text(): client.post(...)`.
    """
    from config.celery_app import app

    app.conf.task_always_eager = True
    try:
        yield lambda: django_capture_on_commit_callbacks(execute=True)
    finally:
        app.conf.task_always_eager = False
