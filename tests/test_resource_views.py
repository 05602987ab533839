"""The library pages: browse, search and filters, their query counts, and one resource's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources.models import Audience, Kind, Language, Resource, ResourceAudience, Topic
from tests.factories import ResourceFactory, StateFactory
from tests.library_fixtures import LIST, listed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


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
