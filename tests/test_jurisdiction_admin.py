"""The Django admin of jurisdiction data: every page loads in a fixed number of queries, search works,
and policy changes made there refresh the stored levels like the staff form does."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jurisdictions import services
from jurisdictions.models import (
    Agency,
    Agreement287g,
    Jurisdiction,
    Official,
    PolicyLevel,
    PolicyRecord,
    RecordsLaw,
    State,
    StateLaw,
)
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [State, StateLaw, RecordsLaw, Jurisdiction, Agency, Official, Agreement287g, PolicyRecord]


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


class Builder:
    """Adds n more rows of a model, each with a searchable name ("Findme" on the first one only)."""

    def __init__(self):
        self.state = factories.StateFactory(name="Oregon", postal="OR", fips="41")
        self.count = 0

    def _next(self):
        self.count += 1
        return self.count

    def county(self):
        i = self._next()
        return factories.JurisdictionFactory(
            state=self.state, name=f"{'Findme' if i == 1 else 'Other'} County {i}", fips=f"41{i:03d}"
        )

    def agency(self):
        county = self.county()
        return factories.AgencyFactory(jurisdiction=county, state=self.state, name=f"{county.name} Sheriff")

    def add(self, model, n):
        for _ in range(n):
            if model is State:
                i = self._next()
                factories.StateFactory(
                    name=f"{'Findme' if i == 1 else 'State'} {i}", postal=f"Q{chr(64 + i)}", fips=f"{i:02d}"
                )
            elif model is StateLaw:
                i = self._next()
                StateLaw.objects.create(
                    state=self.state, title=f"{'Findme' if i == 1 else 'Law'} act {i}", effect="limits"
                )
            elif model is RecordsLaw:
                i = self._next()
                state = factories.StateFactory(name=f"Records {i}", postal=f"R{chr(64 + i)}", fips=f"{i:02d}")
                RecordsLaw.objects.create(state=state, law_name=f"{'Findme' if i == 1 else 'Open'} records act {i}")
            elif model is Jurisdiction:
                self.county()
            elif model is Agency:
                self.agency()
            elif model is Official:
                factories.OfficialFactory(agency=self.agency(), name=f"Official {self.count}")
            elif model is Agreement287g:
                factories.AgreementFactory(agency=self.agency())
            elif model is PolicyRecord:
                services.policy_record_create(
                    jurisdiction=self.county(),
                    dimension="holds",
                    value="honors_some",
                    effective_date=datetime.date(2024, 1, 1),
                    source_url="https://example.org",
                )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_loads_in_constant_queries(admin_client, model):
    builder = Builder()
    builder.add(model, 2)
    url = _admin_url(model, "changelist")
    small, _ = _count(admin_client, url)
    builder.add(model, 18)
    large, response = _count(admin_client, url)
    assert response.context["cl"].result_count >= 20
    assert small == large, (small, large)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_and_add_pages_load(admin_client, model):
    Builder().add(model, 3)
    obj = model.objects.order_by("pk").last()
    assert _count(admin_client, _admin_url(model, "change", obj.pk))[1].status_code == 200
    assert _count(admin_client, _admin_url(model, "add"))[1].status_code == 200


@pytest.mark.parametrize(
    ("model", "term"),
    [
        (State, "findme"),
        (StateLaw, "findme"),
        (RecordsLaw, "findme"),
        (Jurisdiction, "findme"),
        (Agency, "findme"),
        (Official, "findme"),
        (Agreement287g, "findme"),
        (PolicyRecord, "findme"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_changelist_search_finds_the_row(admin_client, model, term):
    Builder().add(model, 4)
    response = admin_client.get(_admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_jurisdiction_search_by_fips_and_state(admin_client):
    builder = Builder()
    builder.add(Jurisdiction, 3)
    url = _admin_url(Jurisdiction, "changelist")
    assert admin_client.get(url, {"q": "41002"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "OR"}).context["cl"].result_count == 3


def test_state_change_page_queries_do_not_grow_with_laws(admin_client):
    builder = Builder()
    builder.add(StateLaw, 2)
    url = _admin_url(State, "change", builder.state.pk)
    admin_client.get(url)  # the content types, read once a process
    small, _ = _count(admin_client, url)
    builder.add(StateLaw, 18)
    assert _count(admin_client, url)[0] == small


def test_agency_change_page_queries_do_not_grow_with_officials(admin_client):
    agency = Builder().agency()
    factories.OfficialFactory.create_batch(2, agency=agency)
    url = _admin_url(Agency, "change", agency.pk)
    admin_client.get(url)  # the content types, read once a process
    small, _ = _count(admin_client, url)
    factories.OfficialFactory.create_batch(18, agency=agency)
    assert _count(admin_client, url)[0] == small


def test_jurisdiction_level_and_current_values_are_read_only(admin_client):
    county = Builder().county()
    response = admin_client.get(_admin_url(Jurisdiction, "change", county.pk))
    form = response.context["adminform"].form
    for name in ("level", "current_holds", "current_notifications", "current_287g", "policy_updated"):
        assert name not in form.fields


def test_organizer_cannot_open_admin(client, organizer):
    client.force_login(organizer)
    response = client.get(_admin_url(Jurisdiction, "changelist"))
    assert response.status_code == 302


# --- Policy changes through the admin refresh the stored level ------------------------------------------


def _record_data(county, **fields):
    data = {
        "jurisdiction": county.pk,
        "dimension": "holds",
        "value": "honors_all",
        "effective_date": "2024-02-01",
        "source_url": "https://example.org/policy",
        "note": "",
        "agreement": "",
    }
    data.update(fields)
    return data


def test_adding_a_policy_record_in_admin_refreshes_level(admin_client, superuser):
    county = Builder().county()
    response = admin_client.post(_admin_url(PolicyRecord, "add"), _record_data(county))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = PolicyRecord.objects.get()
    assert record.entered_by == superuser
    county.refresh_from_db()
    assert county.level == PolicyLevel.COMPLIES
    assert county.current_holds == "honors_all"


def test_changing_a_policy_record_in_admin_refreshes_level(admin_client):
    county = Builder().county()
    record = services.policy_record_create(
        jurisdiction=county, dimension="holds", value="honors_all", effective_date=datetime.date(2024, 1, 1)
    )
    response = admin_client.post(
        _admin_url(PolicyRecord, "change", record.pk), _record_data(county, value="honors_some")
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.level == PolicyLevel.LIMITS_HOLDS


def test_deleting_policy_records_in_admin_refreshes_level(admin_client):
    builder = Builder()
    county = builder.county()
    record = services.policy_record_create(
        jurisdiction=county, dimension="holds", value="honors_all", effective_date=datetime.date(2024, 1, 1)
    )
    response = admin_client.post(_admin_url(PolicyRecord, "delete", record.pk), {"post": "yes"})
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.level == PolicyLevel.UNKNOWN

    other = builder.county()
    records = [
        services.policy_record_create(
            jurisdiction=c, dimension="holds", value="honors_none", effective_date=datetime.date(2024, 1, 1)
        )
        for c in (county, other)
    ]
    response = admin_client.post(
        _admin_url(PolicyRecord, "changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in records], "post": "yes"},
    )
    assert response.status_code == 302
    assert not PolicyRecord.objects.exists()
    for c in (county, other):
        c.refresh_from_db()
        assert c.level == PolicyLevel.UNKNOWN
        assert c.current_holds == ""


def test_admin_refuses_a_value_of_another_dimension(admin_client):
    county = Builder().county()
    response = admin_client.post(_admin_url(PolicyRecord, "add"), _record_data(county, value="yes"))
    assert response.status_code == 200
    assert "is not a value of ICE holds" in response.content.decode()
    assert not PolicyRecord.objects.exists()


def test_admin_refuses_a_fake_document(admin_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    county = Builder().county()
    data = _record_data(county, source_document=SimpleUploadedFile("policy.pdf", b"not a pdf"))
    response = admin_client.post(_admin_url(PolicyRecord, "add"), data)
    assert response.status_code == 200
    assert "not a valid PDF file" in response.content.decode()


def test_state_law_in_admin_refreshes_the_floor(admin_client):
    state = Builder().state
    data = {
        "state": state.pk,
        "title": "Sanctuary Promise Act",
        "citation": "",
        "effect": "limits",
        "source_type": "statute",
        "enacted_year": "2021",
        "summary": "",
        "source_url": "",
        "review_note": "",
    }
    assert admin_client.post(_admin_url(StateLaw, "add"), data).status_code == 302
    state.refresh_from_db()
    assert state.law_floor == "limits"

    law = StateLaw.objects.get()
    assert admin_client.post(_admin_url(StateLaw, "delete", law.pk), {"post": "yes"}).status_code == 302
    state.refresh_from_db()
    assert state.law_floor == ""


def test_state_law_inline_refreshes_the_floor(admin_client):
    state = Builder().state
    data = {
        "name": state.name,
        "postal": state.postal,
        "fips": state.fips,
        "kind": "state",
        "laws-TOTAL_FORMS": "1",
        "laws-INITIAL_FORMS": "0",
        "laws-0-title": "SB 4",
        "laws-0-effect": "mandates",
        "laws-0-source_type": "statute",
        "records_law-TOTAL_FORMS": "0",
        "records_law-INITIAL_FORMS": "0",
    }
    response = admin_client.post(_admin_url(State, "change", state.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    state.refresh_from_db()
    assert state.law_floor == "mandates"


def test_ending_an_agreement_in_admin_clears_current_287g(admin_client):
    agreement = factories.AgreementFactory(agency=Builder().agency(), model="task_force")
    services.jurisdiction_refresh_policy(jurisdiction=agreement.jurisdiction)
    assert agreement.jurisdiction.current_287g == "task_force"
    data = {
        "agency": agreement.agency_id,
        "state": agreement.state_id,
        "jurisdiction": agreement.jurisdiction_id,
        "model": "task_force",
        "status": "ended",
        "signed_date": agreement.signed_date.isoformat(),
        "end_date": datetime.date.today().isoformat(),
        "moa_url": "",
        "addendum_url": "",
        "note": "",
    }
    response = admin_client.post(_admin_url(Agreement287g, "change", agreement.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.jurisdiction.refresh_from_db()
    assert agreement.jurisdiction.current_287g == ""
