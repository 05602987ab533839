"""The staff policy record form, its checks, source documents behind the access check, and the history."""

import datetime
import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jurisdictions import services
from jurisdictions.models import (
    Dimension,
    PolicyLevel,
    PolicyRecord,
)
from tests.jurisdiction_fixtures import PDF, PNG, detail_url, docx_bytes, form_url, login

pytestmark = pytest.mark.django_db


# --- Policy record form ------------------------------------------------------------------------------------


def _post(client, county, **fields):
    data = {
        "dimension": "holds",
        "value": "honors_none",
        "effective_date": "2024-03-15",
        "source_url": "https://example.org/resolution",
        "note": "Board voted 4-1.",
    }
    data.update(fields)
    return client.post(form_url(county), {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_add_policy_record(client, request, county, role):
    user = request.getfixturevalue(role)
    response = _post(login(client, user), county)
    assert response.status_code == 302
    assert response.url == detail_url(county)
    record = PolicyRecord.objects.get()
    assert (record.dimension, record.value, record.effective_date) == (
        "holds",
        "honors_none",
        datetime.date(2024, 3, 15),
    )
    assert record.entered_by == user
    assert record.note == "Board voted 4-1."
    county.refresh_from_db()
    assert county.current_holds == "honors_none"
    assert county.level == PolicyLevel.LIMITS_HOLDS

    page = client.get(response.url)
    body = page.content.decode()
    assert "Policy record added" in body
    assert "Board voted 4-1." in body


def test_policy_form_drops_the_maps_cached_json_on_commit(client, staff, county, django_capture_on_commit_callbacks):
    cache.set(services.MAP_CACHE_KEY, {"etag": "old", "json": b"{}"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _post(login(client, staff), county).status_code == 302
    assert cache.get(services.MAP_CACHE_KEY) is not None  # not before the commit
    for callback in callbacks:
        callback()
    assert cache.get(services.MAP_CACHE_KEY) is None


def test_value_of_another_dimension_is_refused_and_typed_values_kept(client, staff, county):
    response = _post(login(client, staff), county, dimension="holds", value="yes", note="Keep this note")
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not a value of ICE holds" in body
    assert "Honors all, Honors some, Honors none" in body
    assert "Keep this note" in body
    assert 'value="https://example.org/resolution"' in body
    assert 'value="2024-03-15"' in body
    assert '<option value="holds" selected>' in body
    assert not PolicyRecord.objects.exists()


def test_shared_value_stays_selected_in_its_own_dimension(client, staff, county):
    # "none" exists for notifications, jail access and 287(g): the re-rendered form keeps the right one.
    response = _post(login(client, staff), county, dimension="jail_access", value="none", effective_date="x")
    body = response.content.decode()
    assert '<option value="none" selected data-dimension="jail_access">' in body
    assert body.count("selected data-dimension=") == 1


def test_effective_date_more_than_a_year_ahead_is_refused(client, staff, county):
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    response = _post(login(client, staff), county, effective_date=too_late.isoformat())
    assert response.status_code == 200
    assert "at most a year ahead" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_effective_date_some_months_ahead_is_accepted(client, staff, county):
    soon = timezone.localdate() + datetime.timedelta(days=90)
    assert _post(login(client, staff), county, effective_date=soon.isoformat()).status_code == 302


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "", "1850-01-01"])
def test_bad_effective_dates_are_refused(client, staff, county, bad):
    response = _post(login(client, staff), county, effective_date=bad)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_a_source_is_required(client, staff, county):
    response = _post(login(client, staff), county, source_url="")
    assert "Give a source" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_bad_source_url_is_refused(client, staff, county):
    response = _post(login(client, staff), county, source_url="javascript:alert(1)")
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_287g_records_are_allowed(client, staff, county):
    assert _post(login(client, staff), county, dimension="287g", value="task_force").status_code == 302
    assert PolicyRecord.objects.get().dimension == Dimension.G287


def test_dimension_preselected_from_link(client, staff, county):
    body = login(client, staff).get(form_url(county), {"dimension": "jail_access"}).content.decode()
    assert '<option value="jail_access" selected>' in body
    body = client.get(form_url(county), {"dimension": "nonsense"}).content.decode()
    assert '<option value="" selected>' in body
    assert 'value="nonsense"' not in body


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("resolution.pdf", PDF, "application/pdf"),
        ("letter.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("photo.png", PNG, "image/png"),
        ("scan.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ],
)
def test_upload_source_document_and_serve_it_through_the_access_check(
    client, settings, staff, county, media, name, content, content_type
):
    content = content if content is not None else docx_bytes()
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = _post(login(client, staff), county, source_url="", source_document=upload)
    assert response.status_code == 302, response.content.decode()
    record = PolicyRecord.objects.get()
    assert record.source_document.name.startswith(f"policy/{county.fips}/")
    # The stored name carries a random part, so the path cannot be guessed from the original name.
    assert len(record.source_document.name.rsplit("/", 1)[1]) > len(name) + 10

    url = reverse("jurisdictions:policy-document", args=[record.pk])
    document = client.get(url)
    assert document.status_code == 200
    assert document["Content-Type"] == content_type
    assert b"".join(document.streaming_content) == content

    client.logout()
    settings.PUBLIC_MAP = False
    assert client.get(url).status_code == 302
    settings.PUBLIC_MAP = True
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf at all", "not a valid PDF file"),
        ("fake.docx", b"PK\x03\x04 broken zip", "not a valid DOCX file"),
        ("other.docx", None, "not a valid DOCX file"),
        ("image.png", PDF, "not a valid PNG file"),
        ("tool.exe", b"MZ\x90\x00", "Upload a PDF, a Word document"),
        ("page.html", b"<html><script>alert(1)</script>", "Upload a PDF, a Word document"),
        ("noextension", PDF, "Upload a PDF, a Word document"),
    ],
)
def test_upload_checked_by_content(client, staff, county, media, name, content, message):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
        content = buffer.getvalue()
    upload = SimpleUploadedFile(name, content)
    response = _post(login(client, staff), county, source_document=upload, note="typed note")
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "choose the document again" in body
    assert "typed note" in body
    assert not PolicyRecord.objects.exists()


def test_upload_over_10_mb_is_refused_with_a_clear_message(client, staff, county, media):
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = _post(login(client, staff), county, source_document=upload)
    body = response.content.decode()
    assert "the limit is 10.0\xa0MB" in body
    assert not PolicyRecord.objects.exists()


def test_document_view_404s(client, organizer, county, media):
    login(client, organizer)
    assert client.get(reverse("jurisdictions:policy-document", args=[999999])).status_code == 404
    record = services.policy_record_create(
        jurisdiction=county,
        dimension="holds",
        value="honors_all",
        effective_date=datetime.date(2024, 1, 1),
        source_url="https://x.org",
    )
    assert client.get(reverse("jurisdictions:policy-document", args=[record.pk])).status_code == 404
    PolicyRecord.objects.filter(pk=record.pk).update(source_document="policy/06001/gone.pdf")
    assert client.get(reverse("jurisdictions:policy-document", args=[record.pk])).status_code == 404


def test_history_is_shown_newest_first_with_who_and_when(client, staff, county):
    login(client, staff)
    _post(client, county, value="honors_all", effective_date="2016-01-01", note="first entry")
    _post(client, county, value="honors_some", effective_date="2022-01-01", note="second entry")
    body = client.get(detail_url(county)).content.decode()
    assert body.index("second entry") < body.index("first entry")
    assert body.count(f"Entered by {staff.get_full_name()}") == 2
