"""Records request pages: several agencies at once, legal due dates, extensions, review warnings, bad input."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.models import Deadline, Goal, RecordsRequest
from jurisdictions.models import Agency, RecordsLaw
from tests import factories as f

pytestmark = pytest.mark.django_db
# Monday 16 November 2026, mid-morning on the west coast.
NOW = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(organizer, staff):
    return services.campaign_create(
        user=staff,
        name="Records in Foxtrot County",
        jurisdiction=f.JurisdictionFactory(name="Foxtrot County"),
        goal=Goal.END_287G,
        lead=staff,
        organizers=[organizer],
    )


@pytest.fixture
def law(campaign):
    return f.StateRecordsLawFactory(
        state=campaign.jurisdiction.state, response_days=10, day_type=RecordsLaw.DayType.BUSINESS, extension_days=10
    )


@pytest.fixture
def agencies(campaign):
    return [
        f.AgencyFactory(jurisdiction=campaign.jurisdiction, name="Foxtrot Sheriff's Office"),
        f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.JAIL, name="Foxtrot County Jail"),
        f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Foxtrot Board"),
    ]


def _new(campaign):
    return reverse("campaigns:request-new", args=[campaign.pk])


def _form(to, **overrides):
    data = {
        "agencies": [a.pk for a in to],
        "subject": "ICE detainers",
        "records_sought": "Every I-247A detainer received since 1 January 2025.",
        "method": RecordsRequest.Method.EMAIL,
        "sent_on": "2026-11-16",
    }
    data.update(overrides)
    return data


# --- access --------------------------------------------------------------------------------------


def test_request_pages_access_matrix(client, campaign, law, agencies, organizer, other_organizer, staff, admin):
    (records_request,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R"
    )
    urls = [
        _new(campaign),
        reverse("campaigns:request-due-preview", args=[campaign.pk]) + "?sent_on=2026-11-16",
        records_request.get_absolute_url(),
    ]
    for url in urls:
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
        for user, expected in ((organizer, 200), (other_organizer, 404), (staff, 200), (admin, 200)):
            client.force_login(user)
            assert client.get(url).status_code == expected, (url, user.username)


def test_status_update_by_organizer_not_on_campaign_is_404(client, campaign, law, agencies, other_organizer):
    (records_request,) = services.records_request_create(
        campaign=campaign, user=None, agencies=agencies[:1], subject="S", records_sought="R"
    )
    client.force_login(other_organizer)
    response = client.post(records_request.get_absolute_url(), {"status": "sent", "sent_on": "2026-11-16"})
    assert response.status_code == 404
    records_request.refresh_from_db()
    assert records_request.status == RecordsRequest.Status.DRAFT


def test_request_of_another_campaign_is_404(client, campaign, organizer):
    stranger = f.RecordsRequestFactory()
    client.force_login(organizer)
    url = reverse("campaigns:request-detail", args=[campaign.pk, stranger.pk])
    assert client.get(url).status_code == 404


# --- creating ------------------------------------------------------------------------------------


def test_one_request_per_agency_each_with_due_deadline(client, campaign, law, agencies, organizer):
    client.force_login(organizer)
    response = client.post(_new(campaign), _form(agencies))
    assert response.status_code == 302
    requests = RecordsRequest.objects.order_by("agency__name")
    assert requests.count() == 3
    assert len({r.batch for r in requests}) == 1
    # Monday 16 Nov + 10 business days, Thanksgiving (26 Nov) skipped: Tuesday 1 Dec.
    assert {r.due_date for r in requests} == {date(2026, 12, 1)}
    deadlines = Deadline.objects.filter(kind=Deadline.Kind.RECORDS_DUE)
    assert deadlines.count() == 3
    assert {d.due_date for d in deadlines} == {date(2026, 12, 1)}
    assert {d.records_request_id for d in deadlines} == {r.pk for r in requests}


def test_calendar_day_state_counts_weekends_and_holidays(client, campaign, law, agencies, organizer):
    RecordsLaw.objects.update(day_type=RecordsLaw.DayType.CALENDAR, response_days=10)
    client.force_login(organizer)
    client.post(_new(campaign), _form(agencies[:1], sent_on="2026-11-16"))
    assert RecordsRequest.objects.get().due_date == date(2026, 11, 26)  # Thanksgiving itself


def test_draft_request_has_no_due_date(client, campaign, law, agencies, organizer):
    client.force_login(organizer)
    response = client.post(_new(campaign), _form(agencies[:1], sent_on=""))
    records_request = RecordsRequest.objects.get()
    assert response.url == records_request.get_absolute_url()
    assert (records_request.status, records_request.due_date) == (RecordsRequest.Status.DRAFT, None)
    assert not Deadline.objects.exists()
    assert "computed once the request is sent" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"agencies": []},
        {"agencies": ["999999"]},
        {"agencies": ["elsewhere"]},
        {"subject": ""},
        {"records_sought": ""},
        {"method": "pigeon"},
        {"sent_on": "2026-02-30"},
        {"sent_on": "2026-12-01"},
        {"sent_on": "1926-11-16"},
    ],
)
def test_bad_request_input_is_a_form_error_and_saves_nothing(client, campaign, law, agencies, organizer, bad):
    if bad.get("agencies") == ["elsewhere"]:
        bad = {"agencies": [agencies[0].pk, f.AgencyFactory(name="Elsewhere Sheriff").pk]}
    client.force_login(organizer)
    response = client.post(_new(campaign), _form(agencies, **bad))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not RecordsRequest.objects.exists()
    assert not Deadline.objects.exists()


def test_law_that_needs_review_warns_next_to_the_date(client, campaign, law, agencies, organizer):
    RecordsLaw.objects.update(needs_review=True, review_reason="The description and the number disagree.")
    client.force_login(organizer)
    client.post(_new(campaign), _form(agencies[:1]))
    records_request = RecordsRequest.objects.get()
    body = client.get(records_request.get_absolute_url()).content.decode()
    assert "data-needs-review" in body
    assert "The description and the number disagree." in body
    assert "law needs review" in client.get(campaign.get_absolute_url()).content.decode()


def test_law_with_no_fixed_period_says_so_and_invents_no_date(client, campaign, law, agencies, organizer):
    RecordsLaw.objects.update(
        day_type=RecordsLaw.DayType.VARIABLE, response_days=None, response_description="A reasonable time."
    )
    client.force_login(organizer)
    client.post(_new(campaign), _form(agencies[:1]))
    records_request = RecordsRequest.objects.get()
    assert records_request.due_date is None
    assert not Deadline.objects.exists()
    body = client.get(records_request.get_absolute_url()).content.decode()
    assert "No legal due date" in body and "A reasonable time." in body


def test_state_without_records_law(client, campaign, agencies, organizer):
    client.force_login(organizer)
    client.post(_new(campaign), _form(agencies[:1]))
    assert RecordsRequest.objects.get().due_rule == RecordsRequest.DueRule.NO_LAW
    assert not Deadline.objects.exists()


def test_due_date_preview(client, campaign, law, organizer):
    client.force_login(organizer)
    url = reverse("campaigns:request-due-preview", args=[campaign.pk])
    assert 'data-due-date="2026-12-07"' in client.get(url, {"sent_on": "2026-11-20"}).content.decode()
    for bad in ("", "2026-02-30", "yesterday"):
        assert client.get(url, {"sent_on": bad}).status_code == 200


# --- status changes ------------------------------------------------------------------------------


@pytest.fixture
def sent(campaign, law, agencies, organizer):
    (records_request,) = services.records_request_create(
        campaign=campaign,
        user=organizer,
        agencies=agencies[:1],
        subject="S",
        records_sought="R",
        sent_on=date(2026, 11, 16),
    )
    return records_request


def _update(client, records_request, **data):
    return client.post(records_request.get_absolute_url(), {"response_note": "", **data})


def test_extension_moves_the_due_date_and_its_deadline(client, sent, organizer):
    client.force_login(organizer)
    assert _update(client, sent, status="extended", sent_on="2026-11-16").status_code == 302
    sent.refresh_from_db()
    # 1 Dec + 10 business days: 15 Dec.
    assert (sent.original_due_date, sent.due_date) == (date(2026, 12, 1), date(2026, 12, 15))
    assert sent.deadlines.get().due_date == date(2026, 12, 15)
    assert "Extended by 10" in client.get(sent.get_absolute_url()).content.decode()


def test_extension_to_the_agencys_date(client, sent, organizer):
    client.force_login(organizer)
    _update(client, sent, status="extended", sent_on="2026-11-16", extended_to="2027-01-20")
    sent.refresh_from_db()
    assert sent.due_date == date(2027, 1, 20)
    assert sent.deadlines.get().due_date == date(2027, 1, 20)


def test_extension_without_period_or_date_is_a_form_error(client, sent, organizer):
    RecordsLaw.objects.update(extension_days=None)
    client.force_login(organizer)
    response = _update(client, sent, status="extended", sent_on="2026-11-16")
    assert response.status_code == 200
    assert response.context["form"].errors["extended_to"]
    sent.refresh_from_db()
    assert (sent.status, sent.due_date) == (RecordsRequest.Status.SENT, date(2026, 12, 1))


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "lost"},
        {"status": "sent", "sent_on": "2026-11-30"},
        {"status": "sent", "sent_on": "2026-11-31"},
        {"status": "sent", "extended_to": "2027-01-01"},
        {"status": "extended", "extended_to": "2026-11-01"},
        {"status": "extended", "extended_to": "0999-01-01"},
    ],
)
def test_bad_status_update_is_a_form_error(client, sent, organizer, bad):
    client.force_login(organizer)
    response = _update(client, sent, **{"sent_on": "2026-11-16", **bad})
    assert response.status_code == 200
    assert response.context["form"].errors
    sent.refresh_from_db()
    assert (sent.status, sent.due_date) == (RecordsRequest.Status.SENT, date(2026, 12, 1))


def test_fulfilled_closes_the_deadline_and_appeal_reopens_it(client, sent, organizer):
    client.force_login(organizer)
    _update(client, sent, status="fulfilled", sent_on="2026-11-16")
    assert sent.deadlines.get().status == Deadline.Status.DONE
    _update(client, sent, status="appealed", sent_on="2026-11-16")
    assert sent.deadlines.get().status == Deadline.Status.OPEN


def test_sending_a_draft_computes_its_due_date(client, campaign, law, agencies, organizer):
    (draft,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R"
    )
    client.force_login(organizer)
    _update(client, draft, status="sent")
    assert _update(client, draft, status="sent").context["form"].errors["sent_on"]
    _update(client, draft, status="sent", sent_on="2026-11-13")
    draft.refresh_from_db()
    # Friday 13 Nov + 10 business days (Veterans Day already past, Thanksgiving skipped): 30 Nov.
    assert draft.due_date == date(2026, 11, 30)
    assert draft.deadlines.get().due_date == date(2026, 11, 30)


def test_request_detail_query_count_is_constant(client, campaign, law, organizer, django_assert_num_queries):
    client.force_login(organizer)

    def batch(n):
        agencies = [f.AgencyFactory(jurisdiction=campaign.jurisdiction, name=f"Agency {n}-{i}") for i in range(n)]
        requests = services.records_request_create(
            campaign=campaign, user=organizer, agencies=agencies, subject="S", records_sought="R", sent_on=NOW.date()
        )
        return requests[0].get_absolute_url()

    small_url = batch(2)
    with CaptureQueriesContext(connection) as small:
        client.get(small_url)
    url = batch(50)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["siblings"]) == 49


def test_the_request_form_states_the_laws_period(client, campaign, law, organizer):
    client.force_login(organizer)
    assert "Agencies must answer within 10 business days." in client.get(_new(campaign)).content.decode()
    RecordsLaw.objects.update(response_days=1)
    assert "Agencies must answer within 1 business day." in client.get(_new(campaign)).content.decode()
    body = client.get(_new(campaign), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Las agencias deben responder en un plazo de 1 día hábil." in body
