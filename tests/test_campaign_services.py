"""The campaign services: each does all it says or nothing."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from campaigns import services
from campaigns.access import campaign_for_user, campaigns_visible_to, can_see_confidential
from campaigns.models import (
    Answer,
    Assessment,
    Campaign,
    Deadline,
    Goal,
    Meeting,
    Membership,
    RecordsRequest,
    Stage,
    Stance,
    StanceChange,
)
from jurisdictions.models import Agency, Dimension, PolicyLevel, PolicyRecord, PolicyValue, RecordsLaw
from tests import factories as f

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 16, 17, 0, tzinfo=UTC)


@pytest.fixture
def campaign(organizer, staff):
    campaign = services.campaign_create(
        user=staff,
        name="End holds in Test County",
        jurisdiction=f.JurisdictionFactory(),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
    )
    return campaign


# --- campaigns -----------------------------------------------------------------------------------


def test_campaign_create_records_first_stage_and_team(campaign, organizer, staff):
    assert campaign.stage == Stage.RESEARCH
    change = campaign.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", Stage.RESEARCH, staff)
    roles = dict(campaign.memberships.values_list("user__username", "role"))
    assert roles == {"staff": Membership.Role.LEAD, "organizer": Membership.Role.ORGANIZER}


def test_campaign_create_other_goal_needs_words(staff):
    with pytest.raises(ValidationError):
        services.campaign_create(user=staff, name="X", jurisdiction=f.JurisdictionFactory(), goal=Goal.OTHER)
    assert not Campaign.objects.exists()


def test_stage_change_records_from_to_who_and_note(campaign, staff):
    services.campaign_change_stage(campaign=campaign, user=staff, stage=Stage.COALITION, note="Coalition formed")
    campaign.refresh_from_db()
    assert campaign.stage == Stage.COALITION
    latest = campaign.stage_changes.first()
    assert (latest.from_stage, latest.to_stage, latest.changed_by, latest.note) == (
        Stage.RESEARCH,
        Stage.COALITION,
        staff,
        "Coalition formed",
    )


def test_stage_change_to_same_stage_is_refused(campaign, staff):
    with pytest.raises(ValidationError):
        services.campaign_change_stage(campaign=campaign, user=staff, stage=Stage.RESEARCH)


def test_win_without_outcome_is_refused_and_saves_nothing(campaign, staff):
    with pytest.raises(ValidationError) as excinfo:
        services.campaign_change_stage(campaign=campaign, user=staff, stage=Stage.WON, outcome="  ")
    assert "outcome" in excinfo.value.message_dict
    campaign.refresh_from_db()
    assert campaign.stage == Stage.RESEARCH
    assert campaign.stage_changes.count() == 1


def test_win_with_outcome_and_policy_record_updates_the_jurisdiction(campaign, staff):
    services.campaign_change_stage(
        campaign=campaign,
        user=staff,
        stage=Stage.WON,
        outcome="Board voted 3-2 to stop honoring holds.",
        policy_record={
            "dimension": Dimension.HOLDS,
            "value": PolicyValue.HONORS_NONE,
            "effective_date": date(2026, 11, 1),
        },
    )
    campaign.refresh_from_db()
    assert campaign.stage == Stage.WON
    assert campaign.outcome.startswith("Board voted")
    assert campaign.ended_on is not None
    record = PolicyRecord.objects.get(jurisdiction=campaign.jurisdiction)
    assert record.value == PolicyValue.HONORS_NONE
    assert record.entered_by == staff
    campaign.jurisdiction.refresh_from_db()
    assert campaign.jurisdiction.level != PolicyLevel.UNKNOWN


def test_bad_policy_record_rolls_back_the_stage_change(campaign, staff):
    with pytest.raises(ValidationError):
        services.campaign_change_stage(
            campaign=campaign,
            user=staff,
            stage=Stage.WON,
            outcome="Won",
            policy_record={"dimension": Dimension.HOLDS, "value": PolicyValue.YES, "effective_date": date(2026, 1, 1)},
        )
    campaign.refresh_from_db()
    assert campaign.stage == Stage.RESEARCH
    assert campaign.stage_changes.count() == 1


def test_changing_lead_moves_the_lead_role(campaign, staff, admin):
    services.campaign_update(campaign=campaign, user=admin, lead=admin)
    roles = dict(campaign.memberships.values_list("user__username", "role"))
    assert roles["admin-user"] == Membership.Role.LEAD
    assert roles["staff"] == Membership.Role.ORGANIZER


def test_lead_cannot_be_removed_from_team(campaign, staff):
    with pytest.raises(ValidationError):
        services.membership_remove(campaign=campaign, user=staff, member=staff)


# --- targets and stances -------------------------------------------------------------------------


def test_target_from_board_official_votes_and_records_stance(campaign, organizer):
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Board of Supervisors")
    official = f.OfficialFactory(agency=board, title="Supervisor, District 2")
    target = services.target_add(campaign=campaign, user=organizer, official=official, stance=Stance.UNDECIDED)
    assert target.votes is True
    assert target.name == official.name
    assert target.stance_changes.get().to_stance == Stance.UNDECIDED


def test_target_from_another_jurisdiction_is_refused(campaign, organizer):
    elsewhere = f.OfficialFactory()
    with pytest.raises(ValidationError):
        services.target_add(campaign=campaign, user=organizer, official=elsewhere)


def test_same_official_twice_is_refused(campaign, organizer):
    official = f.OfficialFactory(agency=f.AgencyFactory(jurisdiction=campaign.jurisdiction))
    services.target_add(campaign=campaign, user=organizer, official=official)
    with pytest.raises(ValidationError):
        services.target_add(campaign=campaign, user=organizer, official=official)


def test_set_stance_keeps_history_and_ignores_no_change(campaign, organizer):
    target = f.TargetFactory(campaign=campaign)
    services.target_set_stance(target=target, user=organizer, stance=Stance.OPPOSED)
    services.target_set_stance(target=target, user=organizer, stance=Stance.UNDECIDED)
    assert services.target_set_stance(target=target, user=organizer, stance=Stance.UNDECIDED) is None
    history = list(target.stance_changes.values_list("from_stance", "to_stance"))
    assert history == [(Stance.OPPOSED, Stance.UNDECIDED), (Stance.UNKNOWN, Stance.OPPOSED)]
    target.refresh_from_db()
    assert target.stance == Stance.UNDECIDED


# --- meetings ------------------------------------------------------------------------------------


@pytest.fixture
def question_set():
    qs = f.QuestionSetFactory()
    f.QuestionFactory(question_set=qs, order=1, text="Do you honor ICE holds?")
    f.QuestionFactory(question_set=qs, order=2, text="Does ICE have access to the jail?")
    return qs


def _answers(question_set):
    q1, q2 = question_set.questions.all()
    return [
        {"question": q1, "text": "Only with a judicial warrant.", "assessment": Assessment.SATISFACTORY},
        {"question": q2, "text": "We follow federal law.", "assessment": Assessment.EVASIVE},
    ]


@time_machine.travel(NOW, tick=False)
def test_meeting_log_saves_answers_follow_ups_and_stances(campaign, organizer, question_set):
    sheriff = f.TargetFactory(campaign=campaign, name="Sheriff Doe", title="Sheriff")
    Campaign.objects.update(last_activity_at=datetime(2026, 1, 1, tzinfo=UTC))
    meeting = services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=NOW,
        kind=Meeting.Kind.MEETING,
        targets=[sheriff],
        question_set=question_set,
        answers=_answers(question_set),
        summary="Met the sheriff.",
        commitments="Will send the jail policy.",
        follow_ups=[{"title": "Get the jail policy", "due_date": date(2026, 12, 1), "owner": organizer}],
        stance_updates={sheriff: Stance.UNDECIDED},
    )
    assert meeting.status == Meeting.Status.LOGGED
    assert meeting.logged_by == organizer
    assert list(meeting.answers.values_list("assessment", flat=True)) == [Assessment.SATISFACTORY, Assessment.EVASIVE]
    deadline = Deadline.objects.get(meeting=meeting)
    assert (deadline.title, deadline.owner) == ("Get the jail policy", organizer)
    assert deadline.kind == Deadline.Kind.FOLLOW_UP
    change = StanceChange.objects.get(target=sheriff)
    assert (change.to_stance, change.meeting) == (Stance.UNDECIDED, meeting)
    campaign.refresh_from_db()
    assert campaign.last_activity_at == NOW


def test_answers_keep_question_text_after_the_set_is_edited(campaign, organizer, question_set):
    meeting = services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=NOW,
        question_set=question_set,
        answers=_answers(question_set),
    )
    question_set.questions.filter(order=1).update(text="Reworded question?")
    question_set.questions.filter(order=2).delete()
    texts = list(Answer.objects.filter(meeting=meeting).values_list("question_text", flat=True))
    assert texts == ["Do you honor ICE holds?", "Does ICE have access to the jail?"]


def test_draft_keeps_follow_ups_and_stances_until_logged(campaign, organizer, question_set):
    target = f.TargetFactory(campaign=campaign)
    kwargs = {
        "campaign": campaign,
        "user": organizer,
        "held_at": NOW,
        "question_set": question_set,
        "answers": _answers(question_set),
        "follow_ups": [{"title": "Send thanks", "due_date": date(2026, 12, 1), "owner": None}],
        "stance_updates": {target: Stance.SUPPORTIVE},
    }
    draft = services.meeting_log(**kwargs, draft=True)
    assert draft.status == Meeting.Status.DRAFT
    assert draft.answers.count() == 2
    assert not Deadline.objects.exists()
    assert not StanceChange.objects.exists()
    assert draft.draft_data["follow_ups"][0]["title"] == "Send thanks"

    services.meeting_log(**kwargs, meeting=draft)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.LOGGED
    assert draft.draft_data == {}
    assert Deadline.objects.get().meeting == draft
    assert StanceChange.objects.get().to_stance == Stance.SUPPORTIVE
    assert draft.answers.count() == 2


def test_meeting_with_another_campaigns_target_saves_nothing(campaign, organizer):
    stranger = f.TargetFactory()
    with pytest.raises(ValidationError):
        services.meeting_log(campaign=campaign, user=organizer, held_at=NOW, targets=[stranger])
    assert not Meeting.objects.exists()


def test_meeting_answer_for_question_outside_set_saves_nothing(campaign, organizer, question_set):
    foreign = f.QuestionFactory()
    with pytest.raises(ValidationError):
        services.meeting_log(
            campaign=campaign,
            user=organizer,
            held_at=NOW,
            question_set=question_set,
            answers=[{"question": foreign, "text": "x", "assessment": Assessment.SATISFACTORY}],
        )
    assert not Meeting.objects.exists()


def test_follow_up_owner_must_be_on_the_team(campaign, organizer, other_organizer):
    with pytest.raises(ValidationError):
        services.meeting_log(
            campaign=campaign,
            user=organizer,
            held_at=NOW,
            follow_ups=[{"title": "x", "due_date": date(2026, 12, 1), "owner": other_organizer}],
        )
    assert not Meeting.objects.exists()
    assert not Deadline.objects.exists()


# --- deadlines -----------------------------------------------------------------------------------


def test_deadline_completes_once(campaign, organizer):
    deadline = services.deadline_create(campaign=campaign, user=organizer, title="Call", due_date=date(2026, 12, 1))
    assert services.deadline_complete(deadline=deadline, user=organizer) is True
    assert services.deadline_complete(deadline=deadline, user=organizer) is False
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.DONE
    assert deadline.completed_by == organizer


def test_deadline_cancel_and_reopen(campaign, organizer):
    deadline = services.deadline_create(campaign=campaign, user=organizer, title="Call", due_date=date(2026, 12, 1))
    services.deadline_cancel(deadline=deadline, user=organizer)
    assert Deadline.objects.get().status == Deadline.Status.CANCELLED
    services.deadline_reopen(deadline=deadline, user=organizer)
    deadline.refresh_from_db()
    assert (deadline.status, deadline.completed_at) == (Deadline.Status.OPEN, None)


# --- records requests ----------------------------------------------------------------------------


@pytest.fixture
def agencies(campaign):
    f.StateRecordsLawFactory(state=campaign.jurisdiction.state, response_days=10, extension_days=10)
    return [
        f.AgencyFactory(jurisdiction=campaign.jurisdiction, name="Test Sheriff's Office"),
        f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.JAIL, name="Test County Jail"),
    ]


@time_machine.travel(NOW, tick=False)
def test_request_to_several_agencies_makes_one_each_with_due_deadline(campaign, organizer, agencies):
    requests = services.records_request_create(
        campaign=campaign,
        user=organizer,
        agencies=agencies,
        subject="Detainer records",
        records_sought="All I-247 forms received in 2026.",
        sent_on=date(2026, 11, 16),
    )
    assert len(requests) == 2
    assert len({r.batch for r in requests}) == 1 and requests[0].batch is not None
    for request in requests:
        # Monday 16 Nov + 10 business days, Thanksgiving skipped: 1 Dec.
        assert request.due_date == date(2026, 12, 1)
        assert request.status == RecordsRequest.Status.SENT
        deadline = request.deadlines.get()
        assert (deadline.kind, deadline.due_date, deadline.status) == (
            Deadline.Kind.RECORDS_DUE,
            date(2026, 12, 1),
            Deadline.Status.OPEN,
        )


def test_draft_request_has_no_due_date_until_sent(campaign, organizer, agencies):
    (request,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R"
    )
    assert (request.status, request.due_date, request.due_rule) == (RecordsRequest.Status.DRAFT, None, "not_sent")
    assert not Deadline.objects.exists()
    with time_machine.travel(NOW, tick=False):
        services.records_request_update(
            request=request, user=organizer, status=RecordsRequest.Status.SENT, sent_on=date(2026, 11, 16)
        )
    request.refresh_from_db()
    assert request.due_date == date(2026, 12, 1)
    assert request.deadlines.get().due_date == date(2026, 12, 1)


@time_machine.travel(NOW, tick=False)
def test_extension_moves_due_date_and_deadline(campaign, organizer, agencies):
    (request,) = services.records_request_create(
        campaign=campaign,
        user=organizer,
        agencies=agencies[:1],
        subject="S",
        records_sought="R",
        sent_on=date(2026, 11, 16),
    )
    services.records_request_update(request=request, user=organizer, status=RecordsRequest.Status.EXTENDED)
    request.refresh_from_db()
    # 1 Dec + 10 business days: 15 Dec.
    assert (request.original_due_date, request.due_date) == (date(2026, 12, 1), date(2026, 12, 15))
    assert request.due_rule == RecordsRequest.DueRule.EXTENDED
    assert request.deadlines.get().due_date == date(2026, 12, 15)


@time_machine.travel(NOW, tick=False)
def test_extension_to_a_date_the_agency_gave(campaign, organizer, agencies):
    (request,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R", sent_on=NOW.date()
    )
    services.records_request_update(
        request=request, user=organizer, status=RecordsRequest.Status.EXTENDED, extended_to=date(2027, 1, 15)
    )
    request.refresh_from_db()
    assert request.due_date == date(2027, 1, 15)
    assert request.deadlines.get().due_date == date(2027, 1, 15)


@time_machine.travel(NOW, tick=False)
def test_extension_without_law_period_or_date_is_refused(campaign, organizer, agencies):
    RecordsLaw.objects.update(extension_days=None)
    (request,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R", sent_on=NOW.date()
    )
    with pytest.raises(ValidationError):
        services.records_request_update(request=request, user=organizer, status=RecordsRequest.Status.EXTENDED)
    request.refresh_from_db()
    assert request.status == RecordsRequest.Status.SENT


@time_machine.travel(NOW, tick=False)
def test_fulfilled_request_closes_its_deadline(campaign, organizer, agencies):
    (request,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R", sent_on=NOW.date()
    )
    services.records_request_update(request=request, user=organizer, status=RecordsRequest.Status.FULFILLED)
    assert request.deadlines.get().status == Deadline.Status.DONE


@time_machine.travel(NOW, tick=False)
def test_variable_law_creates_no_date_and_no_deadline(campaign, organizer, agencies):
    RecordsLaw.objects.update(day_type=RecordsLaw.DayType.VARIABLE, response_days=None)
    (request,) = services.records_request_create(
        campaign=campaign, user=organizer, agencies=agencies[:1], subject="S", records_sought="R", sent_on=NOW.date()
    )
    assert (request.due_rule, request.due_date) == (RecordsRequest.DueRule.NO_FIXED_PERIOD, None)
    assert "no fixed response period" in request.due_explanation
    assert not Deadline.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_request_to_agency_elsewhere_saves_nothing(campaign, organizer, agencies):
    with pytest.raises(ValidationError):
        services.records_request_create(
            campaign=campaign,
            user=organizer,
            agencies=[agencies[0], f.AgencyFactory()],
            subject="S",
            records_sought="R",
            sent_on=NOW.date(),
        )
    assert not RecordsRequest.objects.exists()
    assert not Deadline.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_request_sent_in_the_future_is_refused(campaign, organizer, agencies):
    with pytest.raises(ValidationError):
        services.records_request_create(
            campaign=campaign,
            user=organizer,
            agencies=agencies,
            subject="S",
            records_sought="R",
            sent_on=date(2026, 12, 1),
        )


# --- access --------------------------------------------------------------------------------------


def test_access_helper_matrix(campaign, organizer, other_organizer, staff, admin):
    assert campaign_for_user(organizer, campaign.pk, change=True).user_can_change
    with pytest.raises(PermissionDenied):
        campaign_for_user(organizer, campaign.pk, manage=True)
    with pytest.raises(Http404):
        campaign_for_user(other_organizer, campaign.pk)
    with pytest.raises(Http404):
        campaign_for_user(organizer, 999999)
    assert campaign_for_user(staff, campaign.pk, manage=True).user_can_manage
    assert campaign_for_user(admin, campaign.pk, manage=True).user_can_manage


def test_visible_campaigns_per_role(campaign, organizer, other_organizer, staff, admin):
    f.CampaignFactory()
    assert list(campaigns_visible_to(organizer)) == [campaign]
    assert list(campaigns_visible_to(other_organizer)) == []
    assert campaigns_visible_to(staff).count() == 2
    assert campaigns_visible_to(admin).count() == 2


def test_confidential_notes_for_lead_and_staff_only(campaign, organizer, staff, admin):
    lead_org = f.UserFactory(role="Organizer", username="lead-org")
    services.membership_add(campaign=campaign, user=staff, member=lead_org, role=Membership.Role.LEAD)
    assert not can_see_confidential(organizer, Campaign.objects.get(pk=campaign.pk))
    assert can_see_confidential(lead_org, Campaign.objects.get(pk=campaign.pk))
    assert can_see_confidential(staff, Campaign.objects.get(pk=campaign.pk))
    assert can_see_confidential(admin, Campaign.objects.get(pk=campaign.pk))
    assert campaign_for_user(lead_org, campaign.pk).user_can_see_confidential
    assert not campaign_for_user(organizer, campaign.pk).user_can_see_confidential
