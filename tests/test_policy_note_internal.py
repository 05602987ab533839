"""A policy note made from a campaign's win or loss quotes the campaign: it is internal unless staff mark it
public. An internal note is read by signed-in users only, on the county page and in the API."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Stage
from jurisdictions import services
from jurisdictions.models import Dimension, PolicyRecord, PolicyValue
from tests import factories as f

pytestmark = pytest.mark.django_db

WIN = {
    "stage": Stage.WON,
    "outcome": "The sheriff agreed in private to end holds.",
    "add_policy_record": "on",
    "policy_dimension": Dimension.HOLDS,
    "policy_value": PolicyValue.HONORS_NONE,
    "policy_effective_date": "2026-11-01",
    "policy_source_url": "https://example.org/minutes.pdf",
}


def detail(jurisdiction):
    return reverse("jurisdictions:detail", args=[jurisdiction.pk])


def api_records(client, jurisdiction):
    response = client.get(f"/api/jurisdictions/{jurisdiction.pk}/policy-records/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_win_makes_an_internal_note_unless_staff_mark_it_public(client, staff, campaign):
    client.force_login(staff)
    assert client.post(reverse("campaigns:stage", args=[campaign.pk]), WIN).status_code == 302
    record = PolicyRecord.objects.get(jurisdiction=campaign.jurisdiction)
    assert record.note_internal
    assert campaign.name in record.note


def test_staff_may_make_the_outcome_note_public(client, staff, campaign):
    client.force_login(staff)
    response = client.post(reverse("campaigns:stage", args=[campaign.pk]), {**WIN, "policy_note_public": "on"})
    assert response.status_code == 302
    assert not PolicyRecord.objects.get(jurisdiction=campaign.jurisdiction).note_internal


def test_the_public_county_page_leaves_an_internal_note_out(client, staff, campaign, public_map):
    client.force_login(staff)
    client.post(reverse("campaigns:stage", args=[campaign.pk]), WIN)
    signed_in = client.get(detail(campaign.jurisdiction)).content.decode()
    assert "agreed in private" in signed_in
    assert "internal note" in signed_in
    client.logout()
    anonymous = client.get(detail(campaign.jurisdiction))
    assert anonymous.status_code == 200
    page = anonymous.content.decode()
    assert "agreed in private" not in page
    assert campaign.name not in page
    assert str(PolicyValue.HONORS_NONE.label) in page  # the fact itself stays public


@pytest.mark.parametrize("role", ["organizer", "other_organizer", "staff", "admin"])
def test_every_signed_in_role_reads_an_internal_note(client, request, campaign, role):
    services.policy_record_create(
        jurisdiction=campaign.jurisdiction,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_ALL,
        effective_date="2026-01-01",
        source_url="https://example.org/a.pdf",
        note="Said at the closed briefing.",
        note_internal=True,
    )
    client.force_login(request.getfixturevalue(role))
    assert "Said at the closed briefing." in client.get(detail(campaign.jurisdiction)).content.decode()


def test_a_public_note_is_on_the_public_page(client, public_map):
    county = f.JurisdictionFactory()
    services.policy_record_create(
        jurisdiction=county,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_ALL,
        effective_date="2026-01-01",
        source_url="https://example.org/a.pdf",
        note="Board resolution 2026-4.",
    )
    page = client.get(detail(county)).content.decode()
    assert "Board resolution 2026-4." in page
    assert "internal note" not in page


def test_the_api_gives_an_internal_note_to_signed_in_clients_only(staff, campaign, public_map):
    services.policy_record_create(
        jurisdiction=campaign.jurisdiction,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_ALL,
        effective_date="2026-01-01",
        source_url="https://example.org/a.pdf",
        note="Said at the closed briefing.",
        note_internal=True,
    )
    anonymous = api_records(APIClient(), campaign.jurisdiction)
    assert anonymous[0]["note"] == "" and anonymous[0]["note_internal"] is True
    signed_in = APIClient()
    signed_in.force_authenticate(staff)
    assert api_records(signed_in, campaign.jurisdiction)[0]["note"] == "Said at the closed briefing."


def test_the_api_stage_change_keeps_the_note_internal_unless_asked(staff, campaign):
    client = APIClient()
    client.force_authenticate(staff)
    body = {
        "stage": "won",
        "outcome": "Holds end.",
        "policy_record": {
            "dimension": "holds",
            "value": "honors_none",
            "effective_date": "2026-11-01",
            "source_url": "https://example.org/minutes.pdf",
        },
    }
    response = client.post(f"/api/campaigns/{campaign.pk}/stage/", body, format="json")
    assert response.status_code == 200, response.json()
    assert PolicyRecord.objects.get(jurisdiction=campaign.jurisdiction).note_internal
    body = {"stage": "monitoring", "outcome": "Holds end.", "policy_record": None}
    assert client.post(f"/api/campaigns/{campaign.pk}/stage/", body, format="json").status_code == 200
    body = {
        "stage": "lost",
        "outcome": "The board reversed.",
        "policy_record": {**body_record(), "note_public": True},
    }
    assert client.post(f"/api/campaigns/{campaign.pk}/stage/", body, format="json").status_code == 200
    newest = PolicyRecord.objects.filter(jurisdiction=campaign.jurisdiction).order_by("-created_at").first()
    assert not newest.note_internal
    assert "The board reversed." in newest.note


def body_record():
    return {
        "dimension": "holds",
        "value": "honors_all",
        "effective_date": "2026-12-01",
        "source_url": "https://example.org/reversal.pdf",
    }


def test_staff_mark_a_note_internal_on_the_policy_form(client, staff, media):
    county = f.JurisdictionFactory()
    client.force_login(staff)
    response = client.post(
        reverse("jurisdictions:policy-new", args=[county.pk]),
        {
            "dimension": Dimension.HOLDS,
            "value": PolicyValue.HONORS_ALL,
            "judicial_warrant": "unknown",
            "effective_date": "2026-01-01",
            "source_url": "https://example.org/a.pdf",
            "note": "From a source who asked not to be named.",
            "note_internal": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert PolicyRecord.objects.get(jurisdiction=county).note_internal


def test_the_migration_marks_earlier_campaign_notes_internal():
    migration = importlib.import_module("jurisdictions.migrations.0006_policyrecord_note_internal")
    county = f.JurisdictionFactory()
    notes = ["Outcome of the campaign “End holds”: won", "Resultado de la campaña «Fin»: ganada", "Board vote."]
    for note in notes:
        services.policy_record_create(
            jurisdiction=county,
            dimension=Dimension.HOLDS,
            value=PolicyValue.HONORS_ALL,
            effective_date="2026-01-01",
            source_url="https://example.org/a.pdf",
            note=note,
        )
    migration.mark_campaign_notes_internal(global_apps, None)
    internal = dict(PolicyRecord.objects.values_list("note", "note_internal"))
    assert internal == {notes[0]: True, notes[1]: True, notes[2]: False}


def test_an_internal_note_stays_within_the_organization_that_entered_it(client, media):
    from accounts.models import Organization

    partner = Organization.objects.create(name="Valley Rapid Response", slug="valley-rapid-response")
    partner_staff = f.UserFactory(role="Staff", role__organization=partner)
    partner_organizer = f.UserFactory(role="Organizer", role__organization=partner)
    home_staff = f.UserFactory(role="Staff")
    network_admin = f.UserFactory(role="Admin")
    county = f.JurisdictionFactory()
    record = services.policy_record_create(
        jurisdiction=county,
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_ALL,
        effective_date="2026-01-01",
        source_url="https://example.org/a.pdf",
        note="Our source at the jail says so.",
        note_internal=True,
        user=partner_staff,
    )
    assert record.organization == partner
    for reader, reads in ((partner_organizer, True), (partner_staff, True), (network_admin, True), (home_staff, False)):
        client.force_login(reader)
        page = client.get(detail(county)).content.decode()
        assert ("Our source at the jail says so." in page) is reads, reader
        api = APIClient()
        api.force_authenticate(reader)
        assert (api_records(api, county)[0]["note"] == record.note) is reads, reader


def test_a_campaigns_outcome_note_belongs_to_the_campaigns_organization(client, staff, campaign):
    client.force_login(staff)
    client.post(reverse("campaigns:stage", args=[campaign.pk]), WIN)
    record = PolicyRecord.objects.get(jurisdiction=campaign.jurisdiction)
    assert record.organization_id == campaign.organization_id and record.note_internal
