"""Page parts kept in the cache (core.fragments) under generations (core.generations) that writes renew
(core.signals): a cached campaign page never outlives a write, differs per reader where the reader
differs, and carries the reader's own CSRF token and language. Real cache, database and signals."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import (
    Answer,
    Campaign,
    Goal,
    Letter,
    Stage,
    StageChange,
    Stance,
    StanceChange,
    Target,
)
from core import generations, roles
from core.backends import RoleAwareBackend
from core.fragments import CSRF_MARK, fragment_key
from core.signals import CAMPAIGN_PATHS, SHARED_KINDS, kinds_of
from jurisdictions.models import Dimension, LawEffect, PolicyRecord, PolicyValue, StateLaw
from resources import services as resource_services
from resources.models import Assignment, AssignmentOpen, Audience, ResourceAudience
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
    """The campaign page asked for twice: as built (or found), then surely from the cache.

    A page served from the cache reads neither the targets nor the stage history.
    """
    first = page(client, campaign, **extra)
    with CaptureQueriesContext(connection) as queries:
        second = page(client, campaign, **extra)
    read = [q["sql"] for q in queries.captured_queries if '"campaigns_target"' in q["sql"]]
    read += [q["sql"] for q in queries.captured_queries if '"campaigns_stagechange"' in q["sql"]]
    assert not read, "the second request built the page again instead of serving it from the cache"
    return [first, second]


def tokens(*kinds):
    """{kind: current generation}, the epoch under "epoch"."""
    return dict(zip((generations.EPOCH, *kinds), generations.current(*kinds), strict=True))


def assign(resource, campaign, staff, note="Read it before the board hearing."):
    (assignment,), _ = resource_services.assignment_create(
        resource=resource, campaigns=[campaign], user=staff, note=note
    )
    return assignment


# --- core.generations ------------------------------------------------------------------------------


def test_current_tokens_stay_the_same_until_renewed():
    first = tokens("test:alpha", "test:beta")
    assert tokens("test:alpha", "test:beta") == first
    assert all(first.values())
    generations.renew("test:alpha")
    after = tokens("test:alpha", "test:beta")
    assert after["test:alpha"] != first["test:alpha"]
    assert after["test:beta"] == first["test:beta"]
    assert after[generations.EPOCH] == first[generations.EPOCH]
    assert tokens("test:alpha", "test:beta") == after


def test_a_kind_the_cache_lost_gets_a_token_that_then_stays():
    cache.delete(generations.PREFIX + "test:evicted")
    (token,) = generations.current("test:evicted")[1:]
    assert token
    assert generations.current("test:evicted")[1:] == (token,)


def test_renew_in_a_transaction_renews_at_once_and_again_on_commit(django_capture_on_commit_callbacks):
    before = tokens("test:gamma")["test:gamma"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            generations.renew("test:gamma")
            during = tokens("test:gamma")["test:gamma"]
            assert during != before  # reads later in this transaction see the new token
        assert tokens("test:gamma")["test:gamma"] == during  # not committed yet
    assert len(callbacks) == 1
    after_commit = tokens("test:gamma")["test:gamma"]
    assert after_commit not in {before, during}


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys of each get_many of the cache (the real cache answers)."""
    reads = []
    read = cache.get_many

    def counted(keys, *args, **kwargs):
        reads.append(list(keys))
        return read(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return reads


def test_a_request_reads_every_shared_generation_at_its_first_ask_and_only_then(cache_reads):
    tokens(*generations.SHARED, "campaign:7")  # every kind has its token, as after a site's first requests
    outside = tokens("places")
    cache_reads.clear()
    with generations.scope():
        first = tokens("places")
        assert first == outside
        assert tokens("accounts", "people", "campaigns", "resources", "questions")
        assert len(cache_reads) == 1
        cache.set(generations.PREFIX + "places", "renewed-elsewhere", None)  # another process's write
        assert tokens("places") == first  # the request keeps what it read at its start
        generations.current("campaign:7")  # a kind not read yet: one more read
        assert len(cache_reads) == 2
    assert tokens("places")["places"] == "renewed-elsewhere"


def test_a_renewal_in_a_request_is_what_the_request_reads_next(cache_reads, django_capture_on_commit_callbacks):
    with generations.scope():
        before = tokens("places")["places"]
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            generations.renew("places")
            during = tokens("places")["places"]
        after_commit = tokens("places")["places"]
        reads = len(cache_reads)
    assert len({before, during, after_commit}) == 3
    assert reads == 1
    assert tokens("places")["places"] == after_commit


def test_renew_all_changes_the_epoch_of_every_key():
    kinds = ("test:delta", "test:epsilon")
    before = tokens(*kinds)
    keys = [fragment_key(name, (1, "x"), kinds) for name in ("one.html", "two.html")]
    generations.renew_all()
    after = tokens(*kinds)
    assert after[generations.EPOCH] != before[generations.EPOCH]
    assert {kind: after[kind] for kind in kinds} == {kind: before[kind] for kind in kinds}
    new_keys = [fragment_key(name, (1, "x"), kinds) for name in ("one.html", "two.html")]
    assert not set(keys) & set(new_keys)


def test_a_bulk_update_shows_after_renew_all(campaign, organizer):
    client = signed_in(organizer)
    heading = '<h1 class="h3 mb-1">{}</h1>'
    assert all(heading.format("End holds in Alder County") in html for html in served(client, campaign))
    Campaign.objects.filter(pk=campaign.pk).update(name="Bulk renamed campaign")  # no signal
    assert heading.format("End holds in Alder County") in page(client, campaign)  # the cache is really used
    generations.renew_all()
    assert all(heading.format("Bulk renamed campaign") in html for html in served(client, campaign))


def test_renew_caches_after_sql_by_hand_serves_the_rows_as_they_are(campaign, organizer):
    client = signed_in(organizer)
    heading = '<h1 class="h3 mb-1">{}</h1>'
    assert heading.format("End holds in Alder County") in page(client, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(name="Renamed by hand")  # as SQL would: no signal
    User.objects.filter(pk=organizer.pk).update(first_name="Hand")
    assert heading.format("End holds in Alder County") in page(client, campaign)  # the caches are really used
    assert RoleAwareBackend().get_user(organizer.pk).first_name != "Hand"
    out = io.StringIO()
    call_command("renew_caches", stdout=out)
    assert "read anew" in out.getvalue()
    html = page(client, campaign)
    assert heading.format("Renamed by hand") in html
    assert RoleAwareBackend().get_user(organizer.pk).first_name == "Hand"
    User.objects.filter(pk=organizer.pk).update(is_active=False)
    call_command("renew_caches", stdout=io.StringIO())
    assert client.get(campaign.get_absolute_url()).status_code == 302  # signed out


# --- core.signals ----------------------------------------------------------------------------------


def _assignment(campaign):
    return Assignment.objects.create(resource=f.ResourceFactory(), campaign=campaign, note="Useful")


# How to make a row of each model a campaign page shows, for a campaign.
CAMPAIGN_ROWS = {
    "campaigns.Campaign": lambda campaign: campaign,
    "campaigns.Membership": lambda campaign: f.MembershipFactory(campaign=campaign),
    "campaigns.StageChange": lambda campaign: StageChange.objects.create(
        campaign=campaign, from_stage=Stage.RESEARCH, to_stage=Stage.COALITION
    ),
    "campaigns.Target": lambda campaign: f.TargetFactory(campaign=campaign),
    "campaigns.StanceChange": lambda campaign: StanceChange.objects.create(
        target=f.TargetFactory(campaign=campaign), from_stance=Stance.UNKNOWN, to_stance=Stance.OPPOSED
    ),
    "campaigns.Meeting": lambda campaign: f.MeetingFactory(campaign=campaign),
    "campaigns.Answer": lambda campaign: Answer.objects.create(
        meeting=f.MeetingFactory(campaign=campaign), question_text="Will you stop honoring holds?"
    ),
    "campaigns.RecordsRequest": lambda campaign: f.RecordsRequestFactory(campaign=campaign),
    "campaigns.Deadline": lambda campaign: f.DeadlineFactory(campaign=campaign),
    "campaigns.Letter": lambda campaign: Letter.objects.create(
        campaign=campaign, subject="Our ask", sender="The coalition", body="Dear sheriff"
    ),
    "resources.Assignment": _assignment,
    "resources.AssignmentOpen": lambda campaign: AssignmentOpen.objects.create(
        assignment=_assignment(campaign), user=f.UserFactory()
    ),
}


def _fresh(row):
    """The row read again: the path to its campaign (target, meeting) is read from the database."""
    return type(row).objects.get(pk=row.pk)


def test_every_model_of_a_campaign_is_covered_here():
    assert set(CAMPAIGN_PATHS) <= set(CAMPAIGN_ROWS)


@pytest.mark.parametrize("write", ["save", "delete"])
@pytest.mark.parametrize("label", sorted(CAMPAIGN_PATHS))
def test_saving_or_deleting_a_row_renews_its_campaign(label, write):
    campaign, other = f.CampaignFactory(), f.CampaignFactory()
    row = _fresh(CAMPAIGN_ROWS[label](campaign))
    mine, theirs = f"campaign:{campaign.pk}", f"campaign:{other.pk}"
    before = tokens("campaigns", mine, theirs)
    getattr(row, write)()
    after = tokens("campaigns", mine, theirs)
    assert after["campaigns"] != before["campaigns"]
    assert after[mine] != before[mine]
    assert after[theirs] == before[theirs]


def test_stance_change_and_answer_reach_their_campaign_through_target_and_meeting():
    campaign = f.CampaignFactory()
    change = _fresh(CAMPAIGN_ROWS["campaigns.StanceChange"](campaign))
    answer = _fresh(CAMPAIGN_ROWS["campaigns.Answer"](campaign))
    assert kinds_of(change) == ("campaigns", f"campaign:{campaign.pk}")
    assert kinds_of(answer) == ("campaigns", f"campaign:{campaign.pk}")


def test_a_row_not_yet_tied_to_a_campaign_renews_the_lists_only():
    assert kinds_of(Target(name="Nobody yet")) == ("campaigns",)


def _state_law():
    return StateLaw.objects.create(state=f.StateFactory(), title="Trust Act", effect=LawEffect.LIMITS)


def _policy_record():
    return PolicyRecord.objects.create(
        jurisdiction=f.JurisdictionFactory(),
        dimension=Dimension.HOLDS,
        value=PolicyValue.HONORS_NONE,
        effective_date=datetime.date(2024, 1, 1),
    )


# How to make a row of each shared model.
SHARED_ROWS = {
    "campaigns.QuestionSet": lambda: f.QuestionSetFactory(),
    "campaigns.Question": lambda: f.QuestionFactory(),
    "resources.Resource": lambda: f.ResourceFactory(),
    "resources.Topic": lambda: f.TopicFactory(),
    "resources.ResourceAudience": lambda: ResourceAudience.objects.create(
        resource=f.ResourceFactory(), audience=Audience.values[0]
    ),
    "jurisdictions.State": lambda: f.StateFactory(),
    "jurisdictions.StateLaw": _state_law,
    "jurisdictions.RecordsLaw": lambda: f.StateRecordsLawFactory(),
    "jurisdictions.Jurisdiction": lambda: f.JurisdictionFactory(),
    "jurisdictions.Agency": lambda: f.AgencyFactory(),
    "jurisdictions.Official": lambda: f.OfficialFactory(),
    "jurisdictions.Agreement287g": lambda: f.AgreementFactory(),
    "jurisdictions.PolicyRecord": _policy_record,
}


def test_every_shared_model_is_covered_here():
    assert set(SHARED_KINDS) <= set(SHARED_ROWS)


@pytest.mark.parametrize("label", sorted(SHARED_KINDS))
def test_saving_or_deleting_shared_data_renews_its_kind_only(label):
    (kind,) = SHARED_KINDS[label]
    campaign = f.CampaignFactory()
    row = SHARED_ROWS[label]()
    watched = ("campaigns", f"campaign:{campaign.pk}", kind)
    before = tokens(*watched)
    row.save()
    after_save = tokens(*watched)
    assert after_save[kind] != before[kind]
    assert after_save["campaigns"] == before["campaigns"]
    assert after_save[f"campaign:{campaign.pk}"] == before[f"campaign:{campaign.pk}"]
    row.delete()
    assert tokens(kind)[kind] != after_save[kind]


def test_a_resource_renews_resources_and_a_jurisdiction_renews_places():
    resource, jurisdiction = f.ResourceFactory(), f.JurisdictionFactory()
    before = tokens("resources", "places")
    resource.title = "Renamed resource"
    resource.save()
    middle = tokens("resources", "places")
    assert middle["resources"] != before["resources"] and middle["places"] == before["places"]
    jurisdiction.name = "Renamed County"
    jurisdiction.save()
    after = tokens("resources", "places")
    assert after["places"] != middle["places"] and after["resources"] == middle["resources"]


def test_saving_or_deleting_a_user_renews_people(organizer):
    before = tokens("people")["people"]
    organizer.first_name = "Renamed"
    organizer.save()
    after_save = tokens("people")["people"]
    assert after_save != before
    organizer.delete()
    assert tokens("people")["people"] != after_save


def test_a_sign_in_does_not_renew_people(organizer):
    before = tokens("people")["people"]
    organizer.last_login = timezone.now()
    organizer.save(update_fields=["last_login"])
    Client().force_login(organizer)  # user_logged_in saves last_login the same way
    assert User.objects.get(pk=organizer.pk).last_login is not None
    assert tokens("people")["people"] == before


def test_adding_a_target_to_a_meeting_renews_its_campaign():
    campaign = f.CampaignFactory()
    meeting = f.MeetingFactory(campaign=campaign)
    target = f.TargetFactory(campaign=campaign)
    before = tokens("campaigns", f"campaign:{campaign.pk}")
    meeting.targets.add(target)
    middle = tokens("campaigns", f"campaign:{campaign.pk}")
    assert middle["campaigns"] != before["campaigns"]
    assert middle[f"campaign:{campaign.pk}"] != before[f"campaign:{campaign.pk}"]
    target.meetings.remove(meeting)  # from the other side
    assert tokens(f"campaign:{campaign.pk}")[f"campaign:{campaign.pk}"] != middle[f"campaign:{campaign.pk}"]


def test_tagging_a_resource_renews_resources_and_places_from_either_side():
    resource, topic, state = f.ResourceFactory(), f.TopicFactory(), f.StateFactory()
    before = tokens("resources", "places")
    resource.topics.add(topic)
    middle = tokens("resources", "places")
    assert middle["resources"] != before["resources"]
    state.resources.add(resource)
    after = tokens("resources", "places")
    assert after["resources"] != middle["resources"] and after["places"] != middle["places"]


# --- the campaign page stays fresh after each write ------------------------------------------------


def test_page_shows_a_stance_change(campaign, organizer, target):
    client = signed_in(organizer)
    for html in served(client, campaign):
        assert 'data-stance="unknown"' in html and "Said yes at the forum" not in html
    services.target_set_stance(target=target, user=organizer, stance=Stance.SUPPORTIVE, note="Said yes at the forum")
    for html in served(client, campaign):
        assert 'data-stance="supportive"' in html and 'data-stance="unknown"' not in html
        assert "Said yes at the forum" in html


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
    withdraw_url = reverse("resources:withdraw", args=[assignment.pk])
    readers = {"organizer": signed_in(organizer), "staff": signed_in(staff)}
    for html in served(readers["organizer"], campaign) + served(readers["staff"], campaign):
        assert "<s>Old jail-access brief</s>" not in html
    assert withdraw_url in page(readers["staff"], campaign)
    resource_services.assignment_withdraw(assignment=assignment, user=staff, reason="Replaced by the 2026 brief")
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
    for _ in range(2):  # each reader's copy is cached while the other reads
        for html in served(staff_client, campaign):
            assert "Change stage" in html and stage_url in html and meeting_url in html
            assert "Assign from the library" in html
        for html in served(organizer_client, campaign):
            assert "Change stage" not in html and stage_url not in html
            assert meeting_url in html
            assert "Assign from the library" not in html


def test_organizer_not_on_campaign_gets_404_after_others_cached_it(campaign, organizer, other_organizer, staff):
    served(signed_in(staff), campaign)
    served(signed_in(organizer), campaign)
    response = signed_in(other_organizer).get(campaign.get_absolute_url())
    assert response.status_code == 404
    assert campaign.name not in response.content.decode()


def test_anonymous_is_sent_to_sign_in_after_others_cached_it(client, campaign, organizer, staff):
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


def test_each_reader_gets_their_own_csrf_token_in_the_cached_page(campaign, organizer, teammate, target):
    first = signed_in(organizer, enforce_csrf_checks=True)
    second = signed_in(teammate, enforce_csrf_checks=True)
    first_pages, second_pages = served(first, campaign), served(second, campaign)  # second: the first's copy
    first_tokens = {token for html in first_pages for token in TOKEN_INPUT.findall(html)}
    second_tokens = {token for html in second_pages for token in TOKEN_INPUT.findall(html)}
    for html in first_pages + second_pages:
        assert CSRF_MARK not in html
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
    """The list of resources is cached without the page's query: its "next" must still be this page's."""
    assignment = assign(f.ResourceFactory(), campaign, staff)
    client = signed_in(staff)
    withdraw = reverse("resources:withdraw", args=[assignment.pk])
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
