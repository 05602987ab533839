"""The campaign page after each write: it shows the change on the next request, differs per reader where
the reader differs, and carries the reader's own CSRF token and language."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import (
    AssignmentOpen,
    Goal,
    Stage,
    Stance,
)
from campaigns.services import assignments as assignment_services
from core import roles
from resources import services as resource_services
from tests import factories as f

pytestmark = pytest.mark.django_db

TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def teammate(db):
    """A second organizer on the campaign: the same rights as `organizer`, so the same cached copy."""
    return f.UserFactory(role=roles.ORGANIZER, username="teammate", first_name="Tomasa", last_name="Reyes")


@pytest.fixture
def campaign(organizer, teammate, staff):
    return services.campaign_create(
        user=staff,
        name="End holds in Alder County",
        jurisdiction=f.JurisdictionFactory(name="Alder County"),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer, teammate],
        board_seats=5,
    )


@pytest.fixture
def target(campaign):
    return f.TargetFactory(campaign=campaign, name="Sheriff Dana Ortiz", stance=Stance.UNKNOWN)


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def page(client, campaign, **extra):
    response = client.get(campaign.get_absolute_url(), **extra)
    assert response.status_code == 200
    return response.content.decode()


def served(client, campaign, **extra):
    """The campaign page asked for twice in a row: both answers must show the same, current data."""
    return [page(client, campaign, **extra), page(client, campaign, **extra)]


def assign(resource, campaign, staff, note="Read it before the board hearing."):
    (assignment,), _ = assignment_services.assignment_create(
        resource=resource, campaigns=[campaign], user=staff, note=note
    )
    return assignment


# --- the campaign page stays fresh after each write ------------------------------------------------


def test_page_shows_a_stance_change(campaign, organizer, target):
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert 'data-stance="unknown"' in html and "Said yes at the forum" not in html
    services.target_set_stance(target=target, user=organizer, stance=Stance.SUPPORTIVE, note="Said yes at the forum")
    for html in served(client, campaign):
        assert 'data-stance="supportive"' in html and 'data-stance="unknown"' not in html
    history = client.get(reverse("campaigns:target-stances", args=[campaign.pk, target.pk]), HTTP_HX_REQUEST="true")
    assert "Said yes at the forum" in history.content.decode()


def test_page_shows_a_deadline_done(campaign, organizer):
    deadline = services.deadline_create(
        campaign=campaign,
        user=organizer,
        title="Call the undersheriff back",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert f'data-deadline="{deadline.pk}"' in html
        assert "Deadline set: Call the undersheriff back" in html
    assert services.deadline_complete(deadline=deadline, user=organizer)
    for html in served(client, campaign):
        assert f'data-deadline="{deadline.pk}"' not in html
        assert "No open deadlines." in html
        assert "Done: Call the undersheriff back" in html


def test_page_shows_a_new_meeting(campaign, organizer, target):
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert "Met the sheriff about detainers" not in html
    services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=timezone.now() - datetime.timedelta(hours=2),
        targets=[target],
        summary="Met the sheriff about detainers",
    )
    for html in served(client, campaign):
        assert "Met the sheriff about detainers" in html
        assert 'data-kind="meeting"' in html


def test_page_shows_a_renamed_user(campaign, organizer, staff):
    old_name = staff.get_full_name()
    lead = '<dt class="col-5">Lead</dt><dd class="col-7">{}</dd>'
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert lead.format(old_name) in html and f"<span>{old_name}</span>" in html  # lead, and on the team
    staff.first_name, staff.last_name = "Renata", "Quill"
    staff.save()
    for html in served(client, campaign):
        assert lead.format("Renata Quill") in html
        assert "<span>Renata Quill</span>" in html
        assert old_name not in html


def test_page_shows_a_resource_retitled(campaign, organizer, staff):
    resource = f.ResourceFactory(title="Talking points on holds")
    assign(resource, campaign, staff)
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert html.count("Talking points on holds") == 2  # the list of resources and the timeline
    resource_services.resource_update(resource=resource, user=staff, title="Talking points on ICE detainers")
    for html in served(client, campaign):
        assert "Talking points on holds" not in html
        assert html.count("Talking points on ICE detainers") == 2


def test_page_shows_an_assignment_withdrawn(campaign, organizer, staff):
    resource = f.ResourceFactory(title="Old jail-access brief")
    assignment = assign(resource, campaign, staff)
    withdraw_url = reverse("assignments:withdraw", args=[assignment.pk])
    readers = {"organizer": signed_in(organizer), "staff": signed_in(staff)}
    for html in served(readers["organizer"], campaign) + served(readers["staff"], campaign):
        assert "<s>Old jail-access brief</s>" not in html
    assert withdraw_url in page(readers["staff"], campaign)
    assignment_services.assignment_withdraw(assignment=assignment, user=staff, reason="Replaced by the 2026 brief")
    for name, client in readers.items():
        for html in served(client, campaign):
            assert html.count("<s>Old jail-access brief</s>") == 2, name  # the list and the timeline
            assert "Replaced by the 2026 brief" in html, name
            assert withdraw_url not in html, name


def test_page_shows_a_stage_change(campaign, organizer, staff):
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert 'data-stage="research"' in html and "Faith groups signed on" not in html
    services.campaign_change_stage(campaign=campaign, user=staff, stage=Stage.COALITION, note="Faith groups signed on")
    for html in served(client, campaign):
        assert 'data-stage="coalition"' in html and 'data-stage="research"' not in html
        assert "Stage changed from Research to <strong>Coalition building</strong>" in html
        assert "Faith groups signed on" in html


# --- per reader ------------------------------------------------------------------------------------


def test_organizer_and_staff_each_see_their_own_buttons(campaign, organizer, staff):
    stage_url = reverse("campaigns:stage", args=[campaign.pk])
    meeting_url = reverse("campaigns:meeting-new", args=[campaign.pk])
    organizer_client, staff_client = signed_in(organizer), signed_in(staff)
    for _ in range(2):  # each reader's page while the other reads
        for html in served(staff_client, campaign):
            assert "Change stage" in html and stage_url in html and meeting_url in html
            assert "Assign from the library" in html
        for html in served(organizer_client, campaign):
            assert "Change stage" not in html and stage_url not in html
            assert meeting_url in html
            assert "Assign from the library" not in html


def test_organizer_not_on_campaign_gets_404_after_others_read_it(campaign, organizer, other_organizer, staff):
    served(signed_in(staff), campaign)
    served(signed_in(organizer), campaign)
    response = signed_in(other_organizer).get(campaign.get_absolute_url())
    assert response.status_code == 404
    assert campaign.name not in response.content.decode()


def test_anonymous_is_sent_to_sign_in_after_others_read_it(client, campaign, organizer, staff):
    served(signed_in(staff), campaign)
    served(signed_in(organizer), campaign)
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- CSRF ------------------------------------------------------------------------------------------


def _stance_token(html, campaign, target):
    action = reverse("campaigns:target-stance", args=[campaign.pk, target.pk])
    form = html[html.index(f'action="{action}"') :]
    return TOKEN_INPUT.search(form).group(1)


def test_each_reader_gets_their_own_csrf_token(campaign, organizer, teammate, target):
    first = signed_in(organizer, enforce_csrf_checks=True)
    second = signed_in(teammate, enforce_csrf_checks=True)
    first_pages, second_pages = served(first, campaign), served(second, campaign)
    first_tokens = {token for html in first_pages for token in TOKEN_INPUT.findall(html)}
    second_tokens = {token for html in second_pages for token in TOKEN_INPUT.findall(html)}
    for html in first_pages + second_pages:
        assert len(TOKEN_INPUT.findall(html)) >= 2  # the stance form's and the sign-out form's
    assert "" not in first_tokens | second_tokens
    assert not first_tokens & second_tokens

    url = reverse("campaigns:target-stance", args=[campaign.pk, target.pk])
    # A token is the reader's own: the other reader's is refused.
    refused = second.post(
        url, {"stance": Stance.OPPOSED, "csrfmiddlewaretoken": _stance_token(first_pages[1], campaign, target)}
    )
    assert refused.status_code == 403
    accepted = second.post(
        url, {"stance": Stance.OPPOSED, "csrfmiddlewaretoken": _stance_token(second_pages[1], campaign, target)}
    )
    assert accepted.status_code == 302
    target.refresh_from_db()
    assert target.stance == Stance.OPPOSED
    accepted = first.post(
        url, {"stance": Stance.CHAMPION, "csrfmiddlewaretoken": _stance_token(first_pages[1], campaign, target)}
    )
    assert accepted.status_code == 302
    target.refresh_from_db()
    assert target.stance == Stance.CHAMPION


# --- the "New" badge -------------------------------------------------------------------------------


def _marked_new(html, assignment):
    if f'data-assignment="{assignment.pk}" data-new>' in html:
        return True
    assert f'data-assignment="{assignment.pk}">' in html
    return False


def test_new_badge_is_per_reader(campaign, organizer, teammate, staff):
    assignment = assign(f.ResourceFactory(title="Know your rights at the jail"), campaign, staff)
    first, second = signed_in(organizer), signed_in(teammate)
    for client in (first, second):
        for html in served(client, campaign):
            assert _marked_new(html, assignment) and "1 new</span>" in html
    response = first.get(assignment.get_absolute_url())
    assert response.status_code == 302
    assert AssignmentOpen.objects.filter(assignment=assignment, user=organizer).exists()
    for html in served(first, campaign):
        assert not _marked_new(html, assignment) and "1 new</span>" not in html
    for html in served(second, campaign):
        assert _marked_new(html, assignment) and "1 new</span>" in html


def test_withdraw_link_returns_to_the_page_the_reader_is_on(campaign, staff):
    assignment = assign(f.ResourceFactory(), campaign, staff)
    client = signed_in(staff)
    withdraw = reverse("assignments:withdraw", args=[assignment.pk])
    meetings_only = client.get(campaign.get_absolute_url(), {"kind": "meetings"}).content.decode()
    assert f'{withdraw}?next=/campaigns/{campaign.pk}/%3Fkind%3Dmeetings"' in meetings_only
    everything = page(client, campaign)
    assert f'{withdraw}?next=/campaigns/{campaign.pk}/"' in everything


# --- language --------------------------------------------------------------------------------------


def test_spanish_reader_is_not_served_the_english_copy(campaign, organizer):
    english_heading = 'id="deadlines-heading">Deadlines</h2>'
    spanish_heading = 'id="deadlines-heading">Plazos</h2>'
    english = signed_in(organizer)
    for html in served(english, campaign):
        assert english_heading in html and "Resources from staff" in html
    by_cookie = signed_in(organizer)
    by_cookie.cookies["django_language"] = "es"
    for html in served(by_cookie, campaign):
        assert spanish_heading in html and "Recursos del personal" in html
        assert english_heading not in html and "Resources from staff" not in html
    by_header = signed_in(organizer)
    for html in served(by_header, campaign, HTTP_ACCEPT_LANGUAGE="es"):
        assert spanish_heading in html and english_heading not in html
    for html in served(english, campaign):  # and the Spanish copy is not served in English
        assert english_heading in html and spanish_heading not in html
