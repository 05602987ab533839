"""The Fourth Amendment layer: the judicial-warrant answer of holds records, the flag it gives each county,
the map JSON that carries it (and its cache), the county page that explains it, and who may change it."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from jurisdictions import services
from jurisdictions.models import Dimension, Jurisdiction, PolicyRecord, PolicyValue
from jurisdictions.selectors import compute_fourth_amendment_risk
from resources.models import Kind, Language
from tests import factories

pytestmark = pytest.mark.django_db

DATA_URL = reverse("jurisdictions:map-data")
ANALYSIS_URL = reverse("resources:detainer-analysis")


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def county(db):
    state = factories.StateFactory(postal="NC", fips="37", name="North Carolina")
    return factories.JurisdictionFactory(state=state, fips="37183", name="Wake County")


def holds(county, value, *, warrant=None, day=datetime.date(2024, 1, 1), **extra):
    return services.policy_record_create(
        jurisdiction=county,
        dimension=Dimension.HOLDS,
        value=value,
        judicial_warrant=warrant,
        effective_date=day,
        source_url="https://example.org/policy",
        **extra,
    )


def county_risk(client, fips):
    data = json.loads(client.get(DATA_URL).content)
    return dict(zip(data["columns"], data["counties"][fips], strict=True))["fourth_amendment_risk"]


# --- the rule ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("holds_value", "warrant", "risk"),
    [
        (PolicyValue.HONORS_ALL, False, True),
        (PolicyValue.HONORS_SOME, False, True),
        (PolicyValue.HONORS_ALL, True, False),
        (PolicyValue.HONORS_SOME, True, False),
        (PolicyValue.HONORS_ALL, None, None),
        (PolicyValue.HONORS_SOME, None, None),
        (PolicyValue.HONORS_NONE, None, False),
        (PolicyValue.HONORS_NONE, False, False),
        ("", None, None),
    ],
)
def test_a_jail_honoring_holds_without_a_judicial_warrant_is_at_risk(holds_value, warrant, risk):
    assert compute_fourth_amendment_risk(holds=holds_value, judicial_warrant=warrant) is risk


def test_the_county_keeps_the_answer_of_its_latest_holds_record(county):
    holds(county, PolicyValue.HONORS_ALL, warrant=False, day=datetime.date(2020, 1, 1))
    county.refresh_from_db()
    assert (county.current_judicial_warrant, county.fourth_amendment_risk) == (False, True)

    holds(county, PolicyValue.HONORS_SOME, warrant=True, day=datetime.date(2023, 1, 1))
    county.refresh_from_db()
    assert (county.current_judicial_warrant, county.fourth_amendment_risk) == (True, False)

    # A newer record that does not say is not known again, whatever the older one said.
    holds(county, PolicyValue.HONORS_ALL, day=datetime.date(2024, 6, 1))
    county.refresh_from_db()
    assert (county.current_judicial_warrant, county.fourth_amendment_risk) == (None, None)


def test_a_county_without_records_is_not_known(county):
    assert county.fourth_amendment_risk is None


def test_only_holds_records_carry_a_warrant_answer(county):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only a record of ICE holds"):
        services.policy_record_create(
            jurisdiction=county,
            dimension=Dimension.NOTIFICATIONS,
            value=PolicyValue.YES,
            judicial_warrant=True,
            effective_date=datetime.date(2024, 1, 1),
            source_url="https://example.org",
        )
    assert not PolicyRecord.objects.exists()


# --- the map JSON, the one shared cache -------------------------------------------------------------------


def test_map_json_carries_true_false_and_null(client, public_map, county):
    other = factories.JurisdictionFactory(state=county.state, fips="37063", name="Durham County")
    third = factories.JurisdictionFactory(state=county.state, fips="37119", name="Mecklenburg County")
    holds(county, PolicyValue.HONORS_ALL, warrant=False)
    holds(other, PolicyValue.HONORS_NONE)
    data = json.loads(client.get(DATA_URL).content)
    risk = data["columns"].index("fourth_amendment_risk")
    assert data["counties"][county.fips][risk] is True
    assert data["counties"][other.fips][risk] is False
    assert data["counties"][third.fips][risk] is None


def test_a_new_warrant_answer_reaches_the_cached_json_on_commit(
    client, public_map, county, staff, django_capture_on_commit_callbacks
):
    holds(county, PolicyValue.HONORS_ALL)
    assert county_risk(client, county.fips) is None
    assert cache.get(services.MAP_CACHE_KEY) is not None
    with django_capture_on_commit_callbacks(execute=True):
        holds(county, PolicyValue.HONORS_ALL, warrant=False, day=datetime.date(2024, 2, 1), user=staff)
    assert county_risk(client, county.fips) is True


def test_an_admin_edit_of_the_warrant_answer_reaches_the_cached_json(
    client, public_map, county, admin, django_capture_on_commit_callbacks
):
    record = holds(county, PolicyValue.HONORS_SOME, warrant=False)
    assert county_risk(client, county.fips) is True
    record.judicial_warrant = True
    with django_capture_on_commit_callbacks(execute=True):
        services.policy_record_save(record=record, user=admin)  # the admin's path
    assert county_risk(client, county.fips) is False


# --- the staff policy form -------------------------------------------------------------------------------


def post_record(client, county, **fields):
    data = {
        "dimension": "holds",
        "value": "honors_all",
        "judicial_warrant": "no",
        "effective_date": "2024-03-15",
        "source_url": "https://example.org/resolution",
    }
    data.update(fields)
    return client.post(reverse("jurisdictions:policy-new", args=[county.pk]), data)


@pytest.mark.parametrize("role", ["staff", "admin"])
@pytest.mark.parametrize(
    ("answer", "stored", "risk"), [("yes", True, False), ("no", False, True), ("unknown", None, None)]
)
def test_staff_record_the_warrant_answer(client, request, county, role, answer, stored, risk):
    client.force_login(request.getfixturevalue(role))
    response = post_record(client, county, judicial_warrant=answer)
    assert response.status_code == 302
    assert PolicyRecord.objects.get().judicial_warrant is stored
    county.refresh_from_db()
    assert county.fourth_amendment_risk is risk


def test_organizer_may_not_record_policy(client, organizer, county):
    client.force_login(organizer)
    assert post_record(client, county).status_code == 403
    assert not PolicyRecord.objects.exists()


def test_anonymous_is_sent_to_sign_in_by_the_policy_form(client, public_map, county):
    response = post_record(client, county)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_warrant_answer_on_another_dimension_is_a_form_error(client, staff, county):
    client.force_login(staff)
    response = post_record(client, county, dimension="notifications", value="yes", judicial_warrant="yes")
    assert response.status_code == 200
    assert "Only a record of ICE holds says whether a judicial warrant is required" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_an_unreadable_warrant_answer_is_a_form_error(client, staff, county):
    client.force_login(staff)
    response = post_record(client, county, judicial_warrant="maybe")
    assert response.status_code == 200
    assert response.context["form"].errors["judicial_warrant"]
    assert not PolicyRecord.objects.exists()


def test_the_form_asks_the_warrant_question(client, staff, county):
    client.force_login(staff)
    body = client.get(reverse("jurisdictions:policy-new", args=[county.pk])).content.decode()
    assert 'name="judicial_warrant"' in body
    assert "only on a judicial warrant or a judge" in body


# --- the county page -------------------------------------------------------------------------------------


def page(client, county, **headers):
    response = client.get(reverse("jurisdictions:detail", args=[county.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_county_page_says_at_risk_with_the_records_source_and_date(client, public_map, county):
    holds(county, PolicyValue.HONORS_ALL, warrant=False, day=datetime.date(2023, 5, 4))
    body = page(client, county)
    assert 'data-fourth-amendment-risk="true"' in body
    assert "may be detaining people in violation of the Fourth Amendment" in body
    assert "An immigration officer signs it, not a judge." in body
    assert "effective May 4, 2023" in body
    assert "https://example.org/policy" in body
    assert "no, an ICE detainer is enough" in body
    assert 'id="fourth-amendment-badge"' in body


def test_county_page_explains_it_in_spanish(client, public_map, county):
    holds(county, PolicyValue.HONORS_ALL, warrant=False)
    body = page(client, county, HTTP_ACCEPT_LANGUAGE="es")
    assert "Cuarta Enmienda" in body
    assert "may be detaining people" not in body
    assert "An immigration officer signs it" not in body


def test_county_page_says_not_at_risk_when_no_holds_are_honored(client, public_map, county):
    holds(county, PolicyValue.HONORS_NONE)
    body = page(client, county)
    assert 'data-fourth-amendment-risk="false"' in body
    assert "The jail honors no ICE holds." in body
    assert 'id="fourth-amendment-badge"' not in body


def test_county_page_says_when_it_is_not_known(client, public_map, county):
    body = page(client, county)
    assert 'data-fourth-amendment-risk="null"' in body
    assert "There is no record of this jail" in body


def test_county_page_marks_demo_records(client, public_map, county):
    holds(county, PolicyValue.HONORS_ALL, warrant=False)
    PolicyRecord.objects.update(is_demo=True)
    assert "demo data" in page(client, county)


def test_county_page_loads_the_librarys_legal_analysis(client, public_map, county):
    assert ANALYSIS_URL in page(client, county)


# --- the library's legal analysis of detainers -------------------------------------------------------------


@pytest.fixture
def advisories(db):
    detainers = factories.TopicFactory(slug="detainers", name="Detainers", name_es="Detenciones")
    old = factories.ResourceFactory(
        title="Detainers, 2016", kind=Kind.PRACTICE_ADVISORY, topics=[detainers], is_public=True
    )
    current = factories.ResourceFactory(
        title="Detainers: a national advisory",
        kind=Kind.PRACTICE_ADVISORY,
        topics=[detainers],
        supersedes=old,
        published_on=datetime.date(2022, 1, 24),
        is_public=True,
    )
    spanish = factories.ResourceFactory(
        title="Las detenciones de ICE",
        kind=Kind.PRACTICE_ADVISORY,
        topics=[detainers],
        language=Language.SPANISH,
        translation_of=current,
        published_on=datetime.date(2022, 3, 1),
        is_public=True,
    )
    private = factories.ResourceFactory(
        title="Detainer litigation memo (members only)",
        kind=Kind.PRACTICE_ADVISORY,
        topics=[detainers],
        published_on=datetime.date(2024, 1, 1),
    )
    factories.ResourceFactory(title="Detainer fact sheet", kind=Kind.FACT_SHEET, topics=[detainers])
    return {"old": old, "current": current, "spanish": spanish, "private": private}


def test_anonymous_readers_get_the_newest_public_advisory(client, advisories):
    body = client.get(ANALYSIS_URL).content.decode()
    assert advisories["current"].get_absolute_url() in body
    assert "members only" not in body and "2016" not in body


@pytest.mark.parametrize("role", ["organizer", "other_organizer", "staff", "admin"])
def test_signed_in_readers_get_the_newest_advisory_they_may_see(client, request, advisories, role):
    client.force_login(request.getfixturevalue(role))
    body = client.get(ANALYSIS_URL).content.decode()
    assert advisories["private"].get_absolute_url() in body


def test_spanish_readers_get_the_spanish_advisory(client, advisories):
    body = client.get(ANALYSIS_URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert advisories["spanish"].get_absolute_url() in body
    assert "Análisis jurídico" in body


def test_without_an_advisory_nothing_is_linked(client, organizer):
    client.force_login(organizer)
    response = client.get(ANALYSIS_URL)
    assert response.status_code == 200
    assert "<a " not in response.content.decode()


def test_the_analysis_link_is_read_in_one_query(client, advisories, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(ANALYSIS_URL)


# --- the list, the API and the demo --------------------------------------------------------------------


def listed(client, **params):
    return {row["name"] for row in client.get(reverse("jurisdictions:list"), params).context["rows"]}


def test_list_filters_by_fourth_amendment_risk(client, organizer, county):
    other = factories.JurisdictionFactory(state=county.state, fips="37063", name="Durham County")
    holds(county, PolicyValue.HONORS_ALL, warrant=False)
    client.force_login(organizer)
    assert listed(client, fourth_amendment="yes") == {"Wake County"}
    assert listed(client, fourth_amendment="unknown") == {other.name}
    assert client.get(reverse("jurisdictions:list"), {"fourth_amendment": "perhaps"}).status_code == 400


def test_api_shows_the_flag_and_takes_the_answer(client, staff, county):
    client.force_login(staff)
    url = reverse("api:policy-records", args=[county.pk])
    response = client.post(
        url,
        {
            "dimension": "holds",
            "value": "honors_some",
            "judicial_warrant": False,
            "effective_date": "2024-01-01",
            "source_url": "https://example.org/p",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["judicial_warrant"] is False
    policy = client.get(reverse("api:jurisdiction", args=[county.pk])).json()["policy"]
    assert policy["fourth_amendment_risk"] is True and policy["judicial_warrant"] is False

    refused = client.post(
        url,
        {
            "dimension": "jail_access",
            "value": "yes",
            "judicial_warrant": True,
            "effective_date": "2024-01-01",
            "source_url": "https://example.org/p",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "judicial_warrant" in refused.content.decode()


def test_demo_warrant_answers_come_once_and_refresh_the_counties(county):
    from campaigns.management.commands.seed_demo import seed_demo_warrants

    others = [
        factories.JurisdictionFactory(state=county.state, fips=f"37{n:03d}", name=f"County {n}") for n in range(1, 40)
    ]
    for place in [county, *others]:
        PolicyRecord.objects.create(
            jurisdiction=place,
            dimension=Dimension.HOLDS,
            value=PolicyValue.HONORS_ALL,
            effective_date=datetime.date(2022, 1, 1),
            is_demo=True,
        )
    services.jurisdictions_refresh_policy(jurisdiction_ids=[c.pk for c in [county, *others]])
    answered = seed_demo_warrants()
    assert 0 < answered <= 40
    assert PolicyRecord.objects.filter(judicial_warrant__isnull=False).count() == answered
    at_risk = PolicyRecord.objects.filter(judicial_warrant=False).values("jurisdiction_id")
    assert Jurisdiction.objects.filter(pk__in=at_risk, fourth_amendment_risk=True).count() == at_risk.count()
    assert seed_demo_warrants() == 0  # a second run changes nothing


def test_the_admin_form_refuses_a_warrant_answer_on_another_dimension(county):
    from jurisdictions.forms import PolicyRecordAdminForm

    data = {
        "jurisdiction": county.pk,
        "dimension": "jail_access",
        "value": "yes",
        "judicial_warrant": "true",
        "effective_date": "2024-01-01",
        "source_url": "https://example.org",
    }
    form = PolicyRecordAdminForm(data)
    assert not form.is_valid()
    assert "Only a record of ICE holds" in " ".join(form.errors["judicial_warrant"])
    data.update(dimension="holds", value="honors_all")
    assert PolicyRecordAdminForm(data).is_valid()
