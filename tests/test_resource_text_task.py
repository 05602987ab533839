"""An upload's text is read for search by a Celery task once the upload commits, never in the request.

(tests/test_worker_notifications.py has a real worker read one.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources import documents, tasks
from resources.demo import simple_pdf
from resources.models import Resource
from tests.library_fixtures import docx_bytes, form_data, pdf_upload

pytestmark = pytest.mark.django_db

NEW = reverse("resources:new")


def no_reading_here(*args, **kwargs):
    raise AssertionError("the document's text was read in the request")


def test_the_request_stores_the_upload_and_queues_its_reading(
    client, staff, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(documents, "extract_text", no_reading_here)
    client.force_login(staff)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(NEW, form_data(upload=pdf_upload(lines=["Look for the probable cause box"])))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.file and resource.text_pending and resource.extracted_text == ""
    assert len(callbacks) == 1
    page = client.get(resource.get_absolute_url()).content.decode()
    assert 'id="text-pending"' in page


def test_the_task_reads_the_text_and_the_library_finds_it(client, staff, organizer, media_root, worker_reads_text):
    client.force_login(staff)
    with worker_reads_text():
        client.post(NEW, form_data(upload=pdf_upload(lines=["Look for the probable cause box"])))
    resource = Resource.objects.get()
    assert not resource.text_pending and "probable cause" in resource.extracted_text
    assert 'id="text-pending"' not in client.get(resource.get_absolute_url()).content.decode()
    client.force_login(organizer)
    response = client.get(reverse("resources:list"), {"q": "probable cause"})
    assert [r.title for r in response.context["page"].object_list] == ["Fact sheet on holds"]


def test_an_image_has_no_text_to_read(client, staff, media_root, django_capture_on_commit_callbacks):
    client.force_login(staff)
    png = SimpleUploadedFile("chart.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(NEW, form_data(upload=png)).status_code == 302
    assert not Resource.objects.get().text_pending
    assert callbacks == []


def test_a_task_for_a_file_since_replaced_leaves_the_new_one_alone(client, staff, media_root, worker_reads_text):
    client.force_login(staff)
    with worker_reads_text():
        client.post(NEW, form_data(upload=pdf_upload(lines=["First edition"])))
    resource = Resource.objects.get()
    first_name = resource.file.name
    edit = reverse("resources:edit", args=[resource.pk])
    upload = SimpleUploadedFile("second.docx", docx_bytes("Second edition"))
    client.post(edit, form_data(upload=upload))  # its own reading is queued, not run
    resource.refresh_from_db()
    assert resource.text_pending
    assert tasks.read_document_text(resource.pk, first_name) is False
    resource.refresh_from_db()
    assert resource.text_pending and resource.extracted_text == ""
    assert tasks.read_document_text(resource.pk, resource.file.name) is True
    resource.refresh_from_db()
    assert not resource.text_pending and resource.extracted_text == "Second edition"


def test_a_task_for_a_deleted_resource_does_nothing():
    assert tasks.read_document_text(10**6, "resources/gone.pdf") is False


def test_a_damaged_document_is_kept_with_no_text(client, staff, media_root, worker_reads_text):
    client.force_login(staff)
    damaged = simple_pdf(["Readable"])[:40]  # still sniffed as a PDF, but cut short
    with worker_reads_text():
        response = client.post(NEW, form_data(upload=SimpleUploadedFile("cut.pdf", damaged)))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.file and not resource.text_pending and resource.extracted_text == ""
