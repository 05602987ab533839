"""A resource's file behind the access check, and staff adding and editing resources (uploads checked)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources.demo import simple_pdf
from resources.models import Kind, Language, Resource, Topic
from tests.factories import ResourceFactory, StateFactory
from tests.library_fixtures import LIST, docx_bytes, form_data, listed, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


# --- files -----------------------------------------------------------------------------------------


@pytest.fixture
def stored(staff):
    def make(**fields):
        fields.setdefault("published_on", datetime.date(2024, 1, 1))
        from resources import services

        return services.resource_create(
            user=staff, title=fields.pop("title", "Filed"), kind=Kind.FACT_SHEET, upload=pdf_upload(), **fields
        )

    return make


def test_file_access_per_role(client, stored, organizer, staff, admin):
    resource = stored()
    url = resource.get_file_url()
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for user in (organizer, staff, admin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "private" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_anonymous_may_download_a_public_file(client, stored):
    resource = stored(is_public=True)
    response = client.get(resource.get_file_url())
    assert response.status_code == 200
    assert 'filename="advisory.pdf"' in response["Content-Disposition"]


def test_suggested_files_are_only_for_staff_and_the_suggester(client, organizer, other_organizer, staff):
    from resources import services

    resource = services.resource_suggest(
        user=organizer, title="Mine", kind=Kind.FACT_SHEET, published_on=datetime.date(2024, 1, 1), upload=pdf_upload()
    )
    url = resource.get_file_url()
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404
    for user in (organizer, staff):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_file_is_not_under_a_guessable_name(stored, media_root):
    resource = stored()
    name = resource.file.name
    assert name.startswith("resources/") and name.endswith("-advisory.pdf")
    assert len(name.split("/")[1].split("-")[0]) == 32
    assert resource.get_file_url() == reverse("resources:file", args=[resource.pk])


def test_resource_without_file_gives_404(client, organizer):
    resource = ResourceFactory()
    client.force_login(organizer)
    assert client.get(reverse("resources:file", args=[resource.pk])).status_code == 404


def test_missing_stored_file_gives_404(client, stored, organizer):
    resource = stored()
    resource.file.storage.delete(resource.file.name)
    client.force_login(organizer)
    assert client.get(resource.get_file_url()).status_code == 404


# --- staff add and edit ----------------------------------------------------------------------------


NEW = reverse("resources:new")


def test_add_form_per_role(client, organizer, staff, admin):
    assert client.get(NEW).status_code == 302
    client.force_login(organizer)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(url="https://example.org/a")).status_code == 403
    assert not Resource.objects.exists()
    for user in (staff, admin):
        client.force_login(user)
        assert client.get(NEW).status_code == 200


def test_staff_adds_a_resource_with_a_link(client, staff):
    detainers = Topic.objects.get(slug="detainers")
    california = StateFactory(postal="CA", name="California", fips="06")
    client.force_login(staff)
    data = form_data(
        url="https://example.org/holds",
        topics=[detainers.pk],
        states=[california.pk],
        audiences=["advocates", "attorneys"],
        is_public="on",
    )
    response = client.post(NEW, data)
    resource = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == resource.get_absolute_url()
    assert resource.status == Resource.Status.APPROVED and resource.is_public and resource.created_by == staff
    assert list(resource.topics.all()) == [detainers] and list(resource.states.all()) == [california]
    assert set(resource.audience_links.values_list("audience", flat=True)) == {"advocates", "attorneys"}


def test_staff_uploads_a_pdf_and_its_text_is_searchable(client, staff, organizer, worker_reads_text):
    client.force_login(staff)
    upload = pdf_upload(lines=["Annotated detainer form", "Look for the probable cause box"])
    with worker_reads_text():
        assert client.post(NEW, form_data(upload=upload)).status_code == 302
    resource = Resource.objects.get()
    assert resource.file_type == "application/pdf" and resource.file_size > 0
    assert "probable cause" in resource.extracted_text
    client.force_login(organizer)
    assert listed(client.get(LIST, {"q": "probable cause"})) == ["Fact sheet on holds"]


def test_staff_uploads_a_docx_and_its_text_is_extracted(client, staff, worker_reads_text):
    client.force_login(staff)
    upload = SimpleUploadedFile("toolkit.docx", docx_bytes("Open records toolkit for advocates"))
    with worker_reads_text():
        assert client.post(NEW, form_data(upload=upload)).status_code == 302
    resource = Resource.objects.get()
    assert resource.file_type.endswith("wordprocessingml.document")
    assert "Open records toolkit" in resource.extracted_text


def test_png_and_jpeg_are_accepted(client, staff):
    client.force_login(staff)
    png = SimpleUploadedFile("chart.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    jpeg = SimpleUploadedFile("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 64)
    assert client.post(NEW, form_data(upload=png, kind=Kind.INFOGRAPHIC)).status_code == 302
    assert client.post(NEW, form_data(upload=jpeg, kind=Kind.INFOGRAPHIC, title="Photo")).status_code == 302
    assert sorted(Resource.objects.values_list("file_type", flat=True)) == ["image/jpeg", "image/png"]


def _zip_bytes(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("advisory.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 100, "not a PDF file"),
        ("advisory.pdf", b"Just some text pretending to be a PDF", "not a PDF file"),
        ("letter.docx", _zip_bytes(["xl/workbook.xml"]), "not a Word file"),
        ("letter.docx", b"PK\x03\x04 not really a zip", "not a Word file"),
        ("chart.png", b"\xff\xd8\xff\xe0 a jpeg named png", "not a PNG file"),
        ("setup.exe", b"MZ\x90\x00", "Upload a PDF"),
        ("page.html", b"<html><script>alert(1)</script>", "Upload a PDF"),
        ("noextension", simple_pdf(["x"]), "Upload a PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_and_the_form_stays_filled_in(client, staff, name, content, message):
    client.force_login(staff)
    data = form_data(title="Keep this title", summary="Keep this summary", upload=SimpleUploadedFile(name, content))
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert not Resource.objects.exists()
    form = response.context["form"]
    assert message in " ".join(form.errors["upload"])
    body = response.content.decode()
    assert 'value="Keep this title"' in body and "Keep this summary" in body


def test_too_large_upload_is_refused_with_the_limit(client, staff, settings):
    settings.RESOURCE_MAX_UPLOAD_SIZE = 1024
    client.force_login(staff)
    big = SimpleUploadedFile("big.pdf", simple_pdf(["x"]) + b"\0" * 2048)
    response = client.post(NEW, form_data(upload=big))
    assert response.status_code == 400
    error = " ".join(response.context["form"].errors["upload"])
    assert "the limit is 1.0\xa0KB" in error
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "name, stored_suffix",
    [
        ("../../etc/passwd.pdf", "-passwd.pdf"),
        ("..\\..\\windows\\win.pdf", "-win.pdf"),
        ("Guía del alguacil (2024).pdf", "-Guía_del_alguacil_2024.pdf"),
        ("日本語.pdf", "-日本語.pdf"),
        ("a b;rm -rf $HOME.pdf", "-a_brm_-rf_HOME.pdf"),
        ("....pdf", "-document.pdf"),
    ],
)
def test_odd_file_names_are_made_safe(client, staff, organizer, media_root, name, stored_suffix):
    client.force_login(staff)
    response = client.post(NEW, form_data(upload=SimpleUploadedFile(name, simple_pdf(["x"]))))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.file.name.startswith("resources/") and resource.file.name.endswith(stored_suffix)
    assert ".." not in resource.file.name
    path = (media_root / resource.file.name).resolve()
    assert path.is_relative_to(media_root.resolve()) and path.exists()
    client.force_login(organizer)
    assert client.get(resource.get_file_url()).status_code == 200


def test_a_resource_needs_a_link_a_file_or_a_template(client, staff):
    client.force_login(staff)
    response = client.post(NEW, form_data())
    assert response.status_code == 400
    assert "Give a link, upload a file" in response.content.decode()


def test_sample_letter_template_with_unknown_field_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(NEW, form_data(kind=Kind.SAMPLE_LETTER, template_body="Dear {{ official }} of {{ county }}"))
    assert response.status_code == 400
    assert "{{ county }}" in " ".join(response.context["form"].errors["template_body"])
    good = form_data(kind=Kind.SAMPLE_LETTER, template_body="Dear {{ official }} of {{ jurisdiction }}")
    assert client.post(NEW, good).status_code == 302


def test_template_on_another_kind_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(NEW, form_data(kind=Kind.FACT_SHEET, template_body="Dear {{ official }}"))
    assert response.status_code == 400
    assert "template_body" in response.context["form"].errors


def test_bad_dates_and_kinds_are_form_errors(client, staff):
    client.force_login(staff)
    response = client.post(NEW, form_data(url="https://example.org/a", published_on="2024-13-45", kind="pamphlet"))
    assert response.status_code == 400
    assert {"published_on", "kind"} <= set(response.context["form"].errors)


def test_translation_must_be_in_another_language(client, staff):
    english = ResourceFactory(language=Language.ENGLISH)
    client.force_login(staff)
    response = client.post(NEW, form_data(url="https://example.org/a", translation_of=english.pk))
    assert response.status_code == 400
    ok = form_data(url="https://example.org/b", translation_of=english.pk, language=Language.SPANISH)
    assert client.post(NEW, ok).status_code == 302
    assert english.translations.get().language == Language.SPANISH


def test_edit_per_role(client, organizer, staff, admin):
    resource = ResourceFactory(title="Old title")
    url = reverse("resources:edit", args=[resource.pk])
    assert client.get(url).status_code == 302
    client.force_login(organizer)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(title="Hacked", url="https://example.org/x")).status_code == 403
    for user in (staff, admin):
        client.force_login(user)
        assert client.get(url).status_code == 200
    response = client.post(url, form_data(title="New title", url=resource.url))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "New title"


def test_edit_keeps_the_file_unless_replaced_or_removed(client, staff, stored, media_root, worker_reads_text):
    resource = stored(title="With file")
    first_name = resource.file.name
    url = reverse("resources:edit", args=[resource.pk])
    client.force_login(staff)
    assert client.post(url, form_data(title="Renamed")).status_code == 302
    resource.refresh_from_db()
    assert resource.file.name == first_name
    new = SimpleUploadedFile("second.pdf", simple_pdf(["Second edition"]))
    with worker_reads_text():
        assert client.post(url, form_data(title="Renamed", upload=new)).status_code == 302
    resource.refresh_from_db()
    assert resource.file.name.endswith("-second.pdf") and "Second edition" in resource.extracted_text
    assert not (media_root / first_name).exists()
    response = client.post(url, form_data(title="Renamed", remove_file="on", url="https://example.org/now-a-link"))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert not resource.file and resource.extracted_text == ""


def test_edit_cannot_supersede_itself(client, staff):
    resource = ResourceFactory()
    client.force_login(staff)
    url = reverse("resources:edit", args=[resource.pk])
    response = client.post(url, form_data(url=resource.url, supersedes=resource.pk))
    assert response.status_code == 400


def test_edit_of_missing_resource_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("resources:edit", args=[999999])).status_code == 404
