"""The library pages: browse, search and filters, one resource, its file, staff editing, suggestions and review."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources.demo import simple_pdf
from resources.models import Audience, Kind, Language, Resource, ResourceAudience, Topic
from tests.factories import ResourceFactory, StateFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("resources:list")


@pytest.fixture(autouse=True)
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


# --- the list: who sees what ---------------------------------------------------------------------


def test_anonymous_sees_only_public_resources(client):
    ResourceFactory(title="Public sheet", is_public=True)
    ResourceFactory(title="Members only")
    ResourceFactory(title="Public suggestion", is_public=True, status=Resource.Status.SUGGESTED)
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == ["Public sheet"]


def test_organizer_sees_approved_resources_only(client, organizer, other_organizer):
    ResourceFactory(title="In the library")
    ResourceFactory(title="Waiting", status=Resource.Status.SUGGESTED, created_by=other_organizer)
    ResourceFactory(title="Turned down", status=Resource.Status.REJECTED, created_by=organizer)
    client.force_login(organizer)
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == ["In the library"]
    assert reverse("resources:suggest") in response.content.decode()
    assert reverse("resources:new") not in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["staff", "admin"])
def test_staff_and_admin_see_the_list_with_add_and_review_links(client, request, role_fixture):
    ResourceFactory(title="In the library")
    ResourceFactory(title="Waiting", status=Resource.Status.SUGGESTED)
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == ["In the library"]
    body = response.content.decode()
    assert reverse("resources:new") in body and reverse("resources:suggestions") in body
    assert response.context["waiting"] == 1


def test_list_is_newest_first_and_shows_dates_and_supersession(client, organizer):
    old = ResourceFactory(title="Old guide", published_on=datetime.date(2016, 1, 5))
    ResourceFactory(title="New guide", published_on=datetime.date(2023, 5, 1), supersedes=old)
    ResourceFactory(title="Middle", published_on=datetime.date(2020, 2, 2))
    client.force_login(organizer)
    response = client.get(LIST)
    assert listed(response) == ["New guide", "Middle", "Old guide"]
    body = response.content.decode()
    assert 'datetime="2016-01-05"' in body
    card = body.split(f'data-resource="{old.pk}"')[1].split("</li>")[0]
    assert "Superseded by" in card and "New guide" in card


def test_unapproved_newer_version_does_not_mark_a_resource_superseded(client, organizer):
    old = ResourceFactory(title="Old guide")
    ResourceFactory(title="Draft", status=Resource.Status.SUGGESTED, supersedes=old)
    client.force_login(organizer)
    response = client.get(LIST)
    assert "Superseded by" not in response.content.decode()


def test_translations_are_linked_both_ways(client, organizer):
    english = ResourceFactory(title="Know your rights", language=Language.ENGLISH)
    spanish = ResourceFactory(title="Conozca sus derechos", language=Language.SPANISH, translation_of=english)
    client.force_login(organizer)
    body = client.get(LIST).content.decode()
    assert spanish.get_absolute_url() in body.split(f'data-resource="{english.pk}"')[1].split("</li>")[0]
    assert english.get_absolute_url() in body.split(f'data-resource="{spanish.pk}"')[1].split("</li>")[0]


def _card(body, resource):
    return body.split(f'data-resource="{resource.pk}"')[1].split("</li>")[0]


def test_card_shows_kind_language_dates_file_link_topics_audiences_and_states(client, organizer, library):
    advisory = Resource.objects.get(title="Advisory")
    advisory.is_public = True
    advisory.is_demo = True
    advisory.file = "resources/abc-advisory.pdf"
    advisory.file_size = 2048
    advisory.summary = " ".join(f"word{i}" for i in range(50))
    advisory.save()
    advisory.topics.add(Topic.objects.get(slug="sheriffs"))
    advisory.states.add(StateFactory(postal="AZ", name="Arizona", fips="04"))
    ResourceAudience.objects.create(resource=advisory, audience=Audience.ADVOCATES)
    client.force_login(organizer)
    card = _card(client.get(LIST).content.decode(), advisory)
    assert ">Practice advisory<" in card
    assert 'lang="en">English<' in card
    assert ">Demo<" in card and ">Public<" in card
    assert f'href="{advisory.get_absolute_url()}">Advisory</a>' in card
    assert '<time datetime="2022-01-24">Jan. 24, 2022</time>' in card
    assert '<i class="bi bi-file-earmark" aria-hidden="true"></i> 2.0\xa0KB' in card
    assert '<i class="bi bi-link-45deg" aria-hidden="true"></i> link' in card
    assert "word39 …" in card and "word40" not in card
    # Topics in name order, audiences in the order of their choices, states in name order.
    assert card.index("?topic=detainers") < card.index("?topic=sheriffs")
    assert card.index(">Advocates<") < card.index(">Attorneys<")
    assert card.index('title="Arizona">AZ<') < card.index('title="California">CA<')


def test_card_is_translated(client, organizer, library):
    client.cookies["django_language"] = "es"
    client.force_login(organizer)
    advisory = Resource.objects.get(title="Advisory")
    card = _card(client.get(LIST).content.decode(), advisory)
    assert ">Guía práctica (practice advisory)<" in card
    assert 'Publicado el <time datetime="2022-01-24">24 de enero de 2022</time>' in card


def test_list_is_paginated(client, organizer):
    ResourceFactory.create_batch(25)
    client.force_login(organizer)
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(listed(first)) == 20 and len(listed(second)) == 5
    assert client.get(LIST, {"page": "abc"}).status_code == 200


# --- search ----------------------------------------------------------------------------------------


def test_search_finds_title_summary_and_document_text(client, organizer):
    ResourceFactory(title="Sheriff meeting questions", summary="")
    ResourceFactory(title="A guide", summary="How sheriffs answer questions about ICE holds")
    ResourceFactory(title="Scanned memo", summary="", extracted_text="The county counsel memo on sheriff policy")
    ResourceFactory(title="Unrelated", summary="Driver's licenses")
    client.force_login(organizer)
    response = client.get(LIST, {"q": "sheriff"})
    assert response.status_code == 200
    assert set(listed(response)) == {"Sheriff meeting questions", "A guide", "Scanned memo"}
    assert listed(client.get(LIST, {"q": "licenses"})) == ["Unrelated"]
    assert listed(client.get(LIST, {"q": "zeppelin"})) == []


def test_search_ranks_title_matches_first(client, organizer):
    ResourceFactory(title="Background", summary="A word on detainers", published_on=datetime.date(2024, 1, 1))
    ResourceFactory(title="Detainers explained", summary="", published_on=datetime.date(2010, 1, 1))
    client.force_login(organizer)
    response = client.get(LIST, {"q": "detainers"})
    assert response.context["sort"] == "relevance"
    assert listed(response) == ["Detainers explained", "Background"]
    newest = client.get(LIST, {"q": "detainers", "sort": "newest"})
    assert listed(newest) == ["Background", "Detainers explained"]


def test_search_needs_every_word(client, organizer):
    ResourceFactory(title="287(g) task force toolkit")
    ResourceFactory(title="Task force history")
    client.force_login(organizer)
    assert listed(client.get(LIST, {"q": "toolkit task"})) == ["287(g) task force toolkit"]


def test_search_finds_spanish_resources(client, organizer):
    ResourceFactory(title="Conozca sus derechos ante ICE", language=Language.SPANISH, summary="Qué hacer en casa")
    client.force_login(organizer)
    assert listed(client.get(LIST, {"q": "derechos"})) == ["Conozca sus derechos ante ICE"]


@pytest.mark.parametrize("query", ['"unbalanced', "a & | ! ( )", "' OR 1=1 --", "%_\\", "x" * 200, "🙂"])
def test_odd_search_text_never_fails(client, organizer, query):
    ResourceFactory(title="Anything")
    client.force_login(organizer)
    assert client.get(LIST, {"q": query}).status_code == 200


def test_search_text_too_long_is_a_400(client, organizer):
    client.force_login(organizer)
    assert client.get(LIST, {"q": "x" * 201}).status_code == 400


def test_postgresql_search_uses_stemming(client, organizer):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is PostgreSQL full-text search")
    ResourceFactory(title="Detained immigrants and the jail")
    client.force_login(organizer)
    assert listed(client.get(LIST, {"q": "detaining"})) == ["Detained immigrants and the jail"]


# --- filters ---------------------------------------------------------------------------------------


@pytest.fixture
def library():
    detainers = Topic.objects.get(slug="detainers")
    sheriffs = Topic.objects.get(slug="sheriffs")
    california = StateFactory(postal="CA", name="California", fips="06")
    texas = StateFactory(postal="TX", name="Texas", fips="48")
    ResourceFactory(
        title="Advisory",
        kind=Kind.PRACTICE_ADVISORY,
        topics=[detainers],
        states=[california],
        audiences=[Audience.ATTORNEYS],
        published_on=datetime.date(2022, 1, 24),
    )
    ResourceFactory(
        title="Hoja informativa",
        kind=Kind.FACT_SHEET,
        language=Language.SPANISH,
        topics=[sheriffs],
        states=[texas],
        audiences=[Audience.COMMUNITY, Audience.ADVOCATES],
        published_on=datetime.date(2023, 8, 23),
    )
    ResourceFactory(
        title="Letter",
        kind=Kind.SAMPLE_LETTER,
        topics=[detainers, sheriffs],
        audiences=[Audience.ELECTED_OFFICIALS],
        published_on=datetime.date(2015, 10, 1),
    )


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "practice_advisory"}, ["Advisory"]),
        ({"kind": "sample_letter"}, ["Letter"]),
        ({"topic": "detainers"}, ["Advisory", "Letter"]),
        ({"topic": "sheriffs"}, ["Hoja informativa", "Letter"]),
        ({"language": "es"}, ["Hoja informativa"]),
        ({"language": "en"}, ["Advisory", "Letter"]),
        ({"audience": "advocates"}, ["Hoja informativa"]),
        ({"audience": "elected_officials"}, ["Letter"]),
        ({"audience": "law_enforcement"}, []),
        ({"state": "CA"}, ["Advisory"]),
        ({"state": "tx"}, ["Hoja informativa"]),
        ({"year": "2015"}, ["Letter"]),
        ({"year": "2019"}, []),
        ({"topic": "sheriffs", "language": "en", "year": "2015"}, ["Letter"]),
        ({"kind": "", "topic": "", "state": "", "year": ""}, ["Hoja informativa", "Advisory", "Letter"]),
    ],
)
def test_each_filter(client, organizer, library, params, expected):
    client.force_login(organizer)
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "brochure"},
        {"topic": "no-such-topic"},
        {"language": "xx"},
        {"audience": "aliens"},
        {"state": "ZZ"},
        {"year": "abc"},
        {"year": "2020.5"},
        {"year": "99999999999999999999"},
        {"year": "-3"},
        {"state": "C'A"},
        {"kind": ["faq", "x" * 1000]},
    ],
)
def test_bad_filter_values_answer_400_with_an_empty_list(client, organizer, library, params):
    client.force_login(organizer)
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert listed(response) == []
    assert "could not be read" in response.content.decode()


def test_bad_sort_falls_back_to_newest(client, organizer, library):
    client.force_login(organizer)
    response = client.get(LIST, {"sort": "drop table"})
    assert response.status_code == 200
    assert response.context["sort"] == "newest"
    assert listed(client.get(LIST, {"sort": "relevance"})) == ["Hoja informativa", "Advisory", "Letter"]
    assert listed(client.get(LIST, {"sort": "oldest"})) == ["Letter", "Advisory", "Hoja informativa"]
    assert listed(client.get(LIST, {"sort": "title"})) == ["Advisory", "Hoja informativa", "Letter"]


# --- query counts ----------------------------------------------------------------------------------


def _rich_resources(count):
    topics = list(Topic.objects.filter(slug__in=["detainers", "sheriffs", "287g"]))
    states = [
        StateFactory(postal="CA", name="California", fips="06"),
        StateFactory(postal="TX", name="Texas", fips="48"),
    ]
    for index in range(count):
        older = ResourceFactory()
        resource = ResourceFactory(
            supersedes=older, topics=topics, states=states, audiences=[Audience.ADVOCATES, Audience.ATTORNEYS]
        )
        ResourceFactory(language=Language.SPANISH, translation_of=resource)
        ResourceFactory(supersedes=resource, published_on=datetime.date(2030, 1, 1) + datetime.timedelta(days=index))


def _count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(queries), len(listed(response))


@pytest.mark.parametrize("params", [{}, {"q": "Resource"}, {"topic": "detainers", "audience": "advocates"}])
def test_list_query_count_does_not_grow_with_rows(client, organizer, params):
    client.force_login(organizer)
    _rich_resources(1)
    small, small_rows = _count_queries(client, params)
    _rich_resources(20)
    large, large_rows = _count_queries(client, params)
    assert large_rows > small_rows
    assert small == large, f"{small} queries at {small_rows} rows, {large} at {large_rows}"
    # Session, user with profile and roles; count, the topic and state lists of the filters (and the topic
    # asked for), the page's resources, their topics, states and audiences, their newer versions and translations.
    assert large <= 9


# --- one resource ----------------------------------------------------------------------------------


def test_detail_per_role(client, organizer, staff, admin):
    resource = ResourceFactory(title="Members guide")
    url = resource.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for user, can_edit in ((organizer, False), (staff, True), (admin, True)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert (reverse("resources:edit", args=[resource.pk]) in response.content.decode()) is can_edit


def test_anonymous_may_open_a_public_resource(client):
    resource = ResourceFactory(title="Public guide", is_public=True)
    assert client.get(resource.get_absolute_url()).status_code == 200


def test_anonymous_asking_for_a_missing_resource_is_sent_to_sign_in(client):
    response = client.get(reverse("resources:detail", args=[999999]))
    assert response.status_code == 302


def test_organizer_cannot_see_someone_elses_suggestion(client, organizer, other_organizer):
    resource = ResourceFactory(status=Resource.Status.SUGGESTED, created_by=other_organizer)
    client.force_login(organizer)
    assert client.get(resource.get_absolute_url()).status_code == 404
    client.force_login(other_organizer)
    assert client.get(resource.get_absolute_url()).status_code == 200


def test_sample_letter_page_shows_its_template(client, organizer):
    letter = ResourceFactory(kind=Kind.SAMPLE_LETTER, template_body="Dear {{ official }},\nPlease end holds.")
    client.force_login(organizer)
    body = client.get(letter.get_absolute_url()).content.decode()
    assert "Dear {{ official }}," in body


def test_detail_shows_newer_version(client, organizer):
    old = ResourceFactory(title="2015 guide")
    ResourceFactory(title="2023 guide", supersedes=old)
    client.force_login(organizer)
    response = client.get(old.get_absolute_url())
    assert "A newer resource supersedes this one" in response.content.decode()


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


def test_staff_uploads_a_pdf_and_its_text_is_searchable(client, staff, organizer):
    client.force_login(staff)
    upload = pdf_upload(lines=["Annotated detainer form", "Look for the probable cause box"])
    assert client.post(NEW, form_data(upload=upload)).status_code == 302
    resource = Resource.objects.get()
    assert resource.file_type == "application/pdf" and resource.file_size > 0
    assert "probable cause" in resource.extracted_text
    client.force_login(organizer)
    assert listed(client.get(LIST, {"q": "probable cause"})) == ["Fact sheet on holds"]


def test_staff_uploads_a_docx_and_its_text_is_extracted(client, staff):
    client.force_login(staff)
    upload = SimpleUploadedFile("toolkit.docx", docx_bytes("Open records toolkit for advocates"))
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


def test_edit_keeps_the_file_unless_replaced_or_removed(
    client, staff, stored, media_root, django_capture_on_commit_callbacks
):
    resource = stored(title="With file")
    first_name = resource.file.name
    url = reverse("resources:edit", args=[resource.pk])
    client.force_login(staff)
    assert client.post(url, form_data(title="Renamed")).status_code == 302
    resource.refresh_from_db()
    assert resource.file.name == first_name
    new = SimpleUploadedFile("second.pdf", simple_pdf(["Second edition"]))
    with django_capture_on_commit_callbacks(execute=True):
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


# --- suggestions and review ------------------------------------------------------------------------


SUGGEST = reverse("resources:suggest")
SUGGESTIONS = reverse("resources:suggestions")


def test_suggest_per_role(client, organizer, staff, admin):
    assert client.get(SUGGEST).status_code == 302
    for user in (organizer, staff, admin):
        client.force_login(user)
        assert client.get(SUGGEST).status_code == 200


def test_organizer_suggestion_waits_for_review(client, organizer, other_organizer):
    client.force_login(organizer)
    data = form_data(title="Great toolkit", url="https://example.org/toolkit", is_public="on")
    response = client.post(SUGGEST, data)
    assert response.status_code == 302 and response["Location"] == SUGGESTIONS
    resource = Resource.objects.get()
    assert resource.status == Resource.Status.SUGGESTED and resource.created_by == organizer
    assert not resource.is_public  # only staff publish
    assert listed(client.get(LIST)) == []
    assert "Great toolkit" in client.get(SUGGESTIONS).content.decode()
    client.force_login(other_organizer)
    assert "Great toolkit" not in client.get(SUGGESTIONS).content.decode()


def test_suggestion_with_a_bad_file_keeps_the_form(client, organizer):
    client.force_login(organizer)
    data = form_data(title="My find", upload=SimpleUploadedFile("x.pdf", b"not a pdf"))
    response = client.post(SUGGEST, data)
    assert response.status_code == 400
    assert 'value="My find"' in response.content.decode()


def test_staff_see_suggestions_waiting(client, staff, organizer):
    ResourceFactory(title="Waiting one", status=Resource.Status.SUGGESTED, created_by=organizer)
    ResourceFactory(title="Already in", created_by=organizer)
    client.force_login(staff)
    response = client.get(SUGGESTIONS)
    assert [r.title for r in response.context["page"].object_list] == ["Waiting one"]


def test_staff_approve_a_suggestion(client, staff, organizer):
    resource = ResourceFactory(title="Waiting", status=Resource.Status.SUGGESTED, created_by=organizer)
    client.force_login(staff)
    url = reverse("resources:review", args=[resource.pk])
    response = client.post(url, {"decision": "approve", "note": "Thanks", "next": "suggestions"})
    assert response.status_code == 302 and response["Location"] == SUGGESTIONS
    resource.refresh_from_db()
    assert resource.status == Resource.Status.APPROVED and resource.reviewed_by == staff and resource.reviewed_at
    client.force_login(organizer)
    assert listed(client.get(LIST)) == ["Waiting"]


def test_staff_reject_a_suggestion_with_a_note_the_suggester_sees(client, staff, organizer):
    resource = ResourceFactory(title="Dup", status=Resource.Status.SUGGESTED, created_by=organizer)
    client.force_login(staff)
    client.post(reverse("resources:review", args=[resource.pk]), {"decision": "reject", "note": "Already listed"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.REJECTED
    client.force_login(organizer)
    assert "Already listed" in client.get(SUGGESTIONS).content.decode()
    assert client.get(resource.get_absolute_url()).status_code == 200


def test_review_per_role(client, organizer, staff, admin):
    resource = ResourceFactory(status=Resource.Status.SUGGESTED, created_by=organizer)
    url = reverse("resources:review", args=[resource.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    client.force_login(organizer)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.get(url).status_code == 405
    resource.refresh_from_db()
    assert resource.status == Resource.Status.SUGGESTED
    client.force_login(admin)
    client.post(url, {"decision": "approve"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.APPROVED


def test_reviewing_twice_or_with_a_bad_decision_changes_nothing(client, staff):
    resource = ResourceFactory(status=Resource.Status.SUGGESTED)
    url = reverse("resources:review", args=[resource.pk])
    client.force_login(staff)
    client.post(url, {"decision": "maybe"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.SUGGESTED
    client.post(url, {"decision": "reject"})
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "already reviewed" in response.content.decode()
    resource.refresh_from_db()
    assert resource.status == Resource.Status.REJECTED


def test_suggestions_page_per_role(client, organizer, staff, admin):
    assert client.get(SUGGESTIONS).status_code == 302
    for user in (organizer, staff, admin):
        client.force_login(user)
        assert client.get(SUGGESTIONS).status_code == 200


def test_nav_links_to_the_library_for_signed_in_users(client, organizer):
    assert f'href="{LIST}"' not in client.get(reverse("login")).content.decode()
    client.force_login(organizer)
    assert f'href="{LIST}"' in client.get(reverse("home")).content.decode()


def test_audience_rows_are_unique(organizer):
    resource = ResourceFactory(audiences=[Audience.ADVOCATES])
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceAudience.objects.create(resource=resource, audience=Audience.ADVOCATES)


def test_user_factory_roles_are_available():
    assert UserFactory(role="Organizer").groups.filter(name="Organizer").exists()
