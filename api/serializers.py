"""What the API shows of campaigns and their parts (read serializers) and what it accepts (input serializers).

Input serializers only check shapes and look ids up within what the campaign and the user may use
(the same limits as the web forms); the writes themselves are the campaigns services'.
"""

from zoneinfo import available_timezones

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.profiles import user_time_zone
from campaigns.forms import MEETING_EARLIEST, MEETING_FUTURE_GRACE, staff_users, team_candidates
from campaigns.models import (
    OUTCOME_STAGES,
    Answer,
    Assessment,
    Campaign,
    Deadline,
    Goal,
    Letter,
    Meeting,
    Membership,
    Question,
    QuestionSet,
    RecordsRequest,
    Stage,
    StageChange,
    Stance,
    StanceChange,
    Target,
)
from campaigns.selectors import whip_count
from campaigns.services import letter_render
from jurisdictions.forms import dimension_value_error, effective_date_error, judicial_warrant_error
from jurisdictions.models import Agency, Dimension, Jurisdiction, Official, PolicyValue
from resources.letters import validate_template_body
from resources.models import Kind, Resource

User = get_user_model()

MAX_TEXT = 20_000
# Ids beyond a 64-bit integer cannot be rows; refusing them here keeps them out of the SQL.
MAX_ID = 2**63 - 1


def IdField(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


HAND_MADE_DEADLINE_KINDS = [c for c in Deadline.Kind.choices if c[0] != Deadline.Kind.RECORDS_DUE]


# --- small shared pieces -------------------------------------------------------------------------


class ReadModelSerializer(serializers.ModelSerializer):
    """Read serializers: optional links and emails are empty strings when missing, so they are not typed
    as URIs or emails in the schema (an empty string is neither)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
        models.EmailField: serializers.CharField,
    }


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$", "example": "14:30", "nullable": True}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time (HH:MM or HH:MM:SS) in the zone given beside it, without an offset."""


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class WebUrlMixin(serializers.Serializer):
    """`web_url`: the absolute address of the object's page in the web app."""

    web_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, obj):
        path = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def _check_year(value):
    if value is not None and value.year < 2000:
        raise serializers.ValidationError(_("Check the year."))
    return value


def _check_past_date(value):
    _check_year(value)
    if value is not None and value > timezone.localdate():
        raise serializers.ValidationError(_("This date is in the future."))
    return value


def _lookup(ids, objects, message):
    """[objects[id] for id in ids], or a ValidationError naming the first id that is not among them."""
    found = []
    for pk in ids:
        obj = objects.get(pk)
        if obj is None:
            raise serializers.ValidationError(message % {"id": pk})
        found.append(obj)
    return found


def _no_duplicates(ids, message):
    if len(set(ids)) != len(ids):
        raise serializers.ValidationError(message)
    return ids


# --- campaigns -----------------------------------------------------------------------------------


class StateRefSerializer(serializers.Serializer):
    postal = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class JurisdictionRefSerializer(ReadModelSerializer):
    state = serializers.CharField(source="state.postal", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "kind", "fips", "state"]
        read_only_fields = fields


class CampaignSerializer(WebUrlMixin, ReadModelSerializer):
    jurisdiction = JurisdictionRefSerializer(read_only=True)
    lead = UserRefSerializer(read_only=True, allow_null=True)
    overdue_count = serializers.IntegerField(read_only=True, help_text="Open deadlines past their due date.")
    next_due = serializers.DateField(read_only=True, allow_null=True, help_text="The next open deadline's date.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "jurisdiction",
            "goal",
            "goal_detail",
            "stage",
            "lead",
            "summary",
            "started_on",
            "ended_on",
            "outcome",
            "board_seats",
            "last_activity_at",
            "created_at",
            "overdue_count",
            "next_due",
            "web_url",
        ]
        read_only_fields = fields


class MembershipSerializer(ReadModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "added_at"]
        read_only_fields = fields


class StageChangeSerializer(ReadModelSerializer):
    changed_by = UserRefSerializer(read_only=True, allow_null=True)
    from_stage = serializers.ChoiceField(choices=Stage.choices, allow_blank=True, read_only=True)

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "changed_at", "changed_by", "note", "outcome"]
        read_only_fields = fields


class WhipCountSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    needed = serializers.IntegerField(help_text="Votes needed for a majority.")
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    undecided = serializers.IntegerField()


class CampaignDetailSerializer(CampaignSerializer):
    team = MembershipSerializer(source="memberships", many=True, read_only=True)
    stage_changes = StageChangeSerializer(many=True, read_only=True)
    whip_count = serializers.SerializerMethodField()
    can_change = serializers.BooleanField(source="user_can_change", read_only=True)
    can_manage = serializers.BooleanField(source="user_can_manage", read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "team", "stage_changes", "whip_count", "can_change", "can_manage"]
        read_only_fields = fields

    @extend_schema_field(WhipCountSerializer(allow_null=True))
    def get_whip_count(self, campaign):

        whip = whip_count(campaign, list(campaign.targets.all()))
        return WhipCountSerializer(whip).data if whip else None


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    goal = serializers.ChoiceField(choices=Goal.choices)
    goal_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True)
    summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    board_seats = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    organizers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), many=True, required=False, help_text="Users to put on the team."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff_users()
        self.fields["organizers"].child_relation.queryset = team_candidates()

    def validate_started_on(self, value):
        return _check_year(value)

    def validate(self, data):
        if data.get("goal") == Goal.OTHER and not (data.get("goal_detail") or "").strip():
            raise serializers.ValidationError({"goal_detail": _("Say in a few words what the goal is.")})
        return data


class CampaignUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    goal = serializers.ChoiceField(choices=Goal.choices, required=False)
    goal_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lead = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True)
    summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False)
    ended_on = serializers.DateField(required=False, allow_null=True)
    board_seats = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = staff_users()

    def validate_started_on(self, value):
        return _check_year(value)

    def validate_ended_on(self, value):
        return _check_year(value)

    def validate(self, data):
        campaign = self.context["campaign"]
        goal = data.get("goal", campaign.goal)
        detail = data.get("goal_detail", campaign.goal_detail)
        if goal == Goal.OTHER and not (detail or "").strip():
            raise serializers.ValidationError({"goal_detail": _("Say in a few words what the goal is.")})
        started = data.get("started_on", campaign.started_on)
        ended = data.get("ended_on", campaign.ended_on)
        if started and ended and ended < started:
            raise serializers.ValidationError({"ended_on": _("The end cannot be before the start.")})
        return data


class PolicyRecordInputSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    value = serializers.ChoiceField(choices=PolicyValue.choices)
    judicial_warrant = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Holds records only: whether the jail holds people for ICE only on a judicial warrant.",
    )
    effective_date = serializers.DateField()
    source_url = serializers.URLField(max_length=500)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate_effective_date(self, value):
        error = effective_date_error(value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate(self, data):
        error = dimension_value_error(data["dimension"], data["value"])
        if error:
            raise serializers.ValidationError({"value": error})
        warrant_error = judicial_warrant_error(data["dimension"], data.get("judicial_warrant"))
        if warrant_error:
            raise serializers.ValidationError({"judicial_warrant": warrant_error})
        return data


class StageChangeInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default="", help_text="Required for won and lost."
    )
    policy_record = PolicyRecordInputSerializer(
        required=False, allow_null=True, default=None, help_text="With a win or a loss: the resulting policy."
    )

    def validate(self, data):

        if data["stage"] == self.context["campaign"].stage:
            raise serializers.ValidationError({"stage": _("The campaign is already at this stage.")})
        if data["stage"] in OUTCOME_STAGES and not data.get("outcome", "").strip():
            raise serializers.ValidationError({"outcome": _("Say what the outcome was: a win or a loss needs it.")})
        if data.get("policy_record") and data["stage"] not in OUTCOME_STAGES:
            raise serializers.ValidationError(
                {"policy_record": _("A policy record can be added with a win or a loss.")}
            )
        return data


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.ORGANIZER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team_candidates()


# --- targets -------------------------------------------------------------------------------------


class TargetSerializer(ReadModelSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "campaign",
            "official",
            "agency",
            "name",
            "title",
            "votes",
            "stance",
            "stance_changed_at",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class StanceChangeSerializer(ReadModelSerializer):
    changed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = StanceChange
        fields = ["id", "from_stance", "to_stance", "changed_at", "changed_by", "meeting", "note"]
        read_only_fields = fields


class TargetDetailSerializer(TargetSerializer):
    stance_changes = StanceChangeSerializer(many=True, read_only=True)

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "stance_changes"]
        read_only_fields = fields


def campaign_agencies(campaign):
    """The agencies of the campaign's jurisdiction (and its county): what targets and requests may name."""
    jurisdiction = campaign.jurisdiction
    return Agency.objects.filter(jurisdiction_id__in=[jurisdiction.pk, jurisdiction.parent_id])


class TargetInputSerializer(serializers.Serializer):
    official = IdField(required=False, allow_null=True, help_text="An official of the jurisdiction.")
    agency = IdField(required=False, allow_null=True, help_text="…or a body as a whole.")
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.UNKNOWN)
    votes = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Counted in the whip count; default by agency kind."
    )

    def validate(self, data):
        campaign = self.context["campaign"]
        official_id, agency_id = data.get("official"), data.get("agency")
        if (official_id is None) == (agency_id is None):
            raise serializers.ValidationError(_("Choose either an official or a body."))
        agencies = campaign_agencies(campaign)
        if official_id is not None:
            official = (
                Official.objects.filter(pk=official_id, agency__in=agencies, is_active=True)
                .exclude(pk__in=campaign.targets.exclude(official=None).values("official_id"))
                .select_related("agency")
                .first()
            )
            if official is None:
                raise serializers.ValidationError(
                    {"official": _("Not an official of this jurisdiction, or already a target.")}
                )
            data["official"], data["agency"] = official, None
        else:
            agency = (
                agencies.filter(pk=agency_id)
                .exclude(pk__in=campaign.targets.filter(official=None).exclude(agency=None).values("agency_id"))
                .first()
            )
            if agency is None:
                raise serializers.ValidationError(
                    {"agency": _("Not a body of this jurisdiction, or already a target.")}
                )
            data["official"], data["agency"] = None, agency
        return data


class StanceInputSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- deadlines -----------------------------------------------------------------------------------


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class DeadlineSerializer(ReadModelSerializer):
    campaign = CampaignRefSerializer(read_only=True)
    due_time = LocalTimeField(read_only=True, allow_null=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "campaign",
            "title",
            "kind",
            "due_date",
            "due_time",
            "time_zone",
            "owner",
            "status",
            "note",
            "meeting",
            "records_request",
            "letter",
            "completed_at",
            "is_overdue",
            "created_at",
        ]
        read_only_fields = fields


def _valid_zone(value):
    if value and value not in _zones():
        raise serializers.ValidationError(_("Give an IANA time zone such as America/Los_Angeles."))
    return value


_ZONES = None


def _zones():
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def _team(campaign):
    return {u.pk: u for u in User.objects.filter(campaign_memberships__campaign=campaign)}


class DeadlineInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=HAND_MADE_DEADLINE_KINDS, default=Deadline.Kind.FOLLOW_UP)
    due_date = serializers.DateField()
    due_time = LocalTimeField(required=False, allow_null=True, default=None)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The zone of due_time (IANA name); your notification settings' zone when left out.",
    )
    owner = IdField(required=False, allow_null=True, default=None, help_text="A team member.")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")

    def validate_due_date(self, value):
        return _check_year(value)

    def validate_time_zone(self, value):
        return _valid_zone(value)

    def validate(self, data):
        campaign = self.context["campaign"]
        deadline = self.context.get("deadline")
        if "owner" in data and data["owner"] is not None:
            owner = _team(campaign).get(data["owner"])
            if owner is None:
                raise serializers.ValidationError({"owner": _("The owner must be on the campaign's team.")})
            data["owner"] = owner
        due_time = data.get("due_time", deadline.due_time if deadline else None)
        if due_time is None:
            if "due_time" in data or "time_zone" in data:
                data["time_zone"] = ""
        elif "due_time" in data or "time_zone" in data:
            data["time_zone"] = data.get("time_zone") or user_time_zone(self.context["request"].user)
        if deadline is not None and deadline.kind == Deadline.Kind.RECORDS_DUE and "kind" not in self.initial_data:
            data.pop("kind", None)
        return data


# --- meetings ------------------------------------------------------------------------------------


class AnswerSerializer(ReadModelSerializer):
    class Meta:
        model = Answer
        fields = ["id", "question", "order", "question_text", "question_text_es", "text", "assessment"]
        read_only_fields = fields


class MeetingSerializer(WebUrlMixin, ReadModelSerializer):
    targets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    follow_ups = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Deadlines made from the follow-ups."
    )
    logged_by = UserRefSerializer(read_only=True, allow_null=True)
    confidential_notes = serializers.SerializerMethodField(
        help_text="Only for the campaign's lead(s) and staff; null for everyone else."
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "campaign",
            "status",
            "held_at",
            "kind",
            "location",
            "targets",
            "attendees",
            "question_set",
            "answers",
            "summary",
            "commitments",
            "confidential_notes",
            "follow_ups",
            "logged_by",
            "logged_at",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_confidential_notes(self, meeting) -> str | None:
        campaign = self.context.get("campaign")
        if campaign is not None and campaign.user_can_see_confidential:
            return meeting.confidential_notes
        return None


class AnswerInputSerializer(serializers.Serializer):
    question = IdField(required=False, help_text="A question of the chosen set (new and draft meetings).")
    answer = IdField(required=False, help_text="An answer of this meeting (correcting a logged one).")
    text = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    assessment = serializers.ChoiceField(choices=Assessment.choices, default=Assessment.NOT_ASKED)

    def validate(self, data):
        if ("question" in data) == ("answer" in data):
            raise serializers.ValidationError(_("Give either a question or an answer id."))
        return data


class FollowUpInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    owner = IdField(required=False, allow_null=True, default=None, help_text="A team member.")
    kind = serializers.ChoiceField(choices=HAND_MADE_DEADLINE_KINDS, default=Deadline.Kind.FOLLOW_UP)

    def validate_due_date(self, value):
        return _check_year(value)


class StanceUpdateInputSerializer(serializers.Serializer):
    target = IdField()
    stance = serializers.ChoiceField(choices=Stance.choices)


class MeetingInputSerializer(serializers.Serializer):
    """A meeting as the meeting form takes it. Logged unless `draft`; a logged meeting needs a summary."""

    held_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, default=Meeting.Kind.MEETING)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    targets = serializers.ListField(child=IdField(), required=False, default=list, max_length=200)
    attendees = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    question_set = IdField(required=False, allow_null=True, default=None)
    answers = AnswerInputSerializer(many=True, required=False, default=list, max_length=200)
    summary = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    commitments = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    confidential_notes = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        help_text="Read by the lead(s) and staff only. From anyone else it is added to the notes already there.",
    )
    follow_ups = FollowUpInputSerializer(many=True, required=False, default=list, max_length=30)
    stance_updates = StanceUpdateInputSerializer(many=True, required=False, default=list, max_length=200)
    draft = serializers.BooleanField(required=False, default=False)

    def validate_held_at(self, value):
        if value < MEETING_EARLIEST:
            raise serializers.ValidationError(_("Check the year."))
        return value

    def validate(self, data):

        campaign = self.context["campaign"]
        meeting = self.context.get("meeting")
        logged = meeting is not None and not meeting.is_draft
        draft = data["draft"] and not logged
        errors = {}
        if not draft:
            if data["held_at"] > timezone.now() + MEETING_FUTURE_GRACE:
                errors["held_at"] = _("This is in the future: save it as a draft and log it after the meeting.")
            if not data["summary"].strip():
                errors["summary"] = _("Write a short summary before logging the meeting (or save a draft).")
        targets = {t.pk: t for t in campaign.targets.all()}
        team = _team(campaign)
        try:
            data["targets"] = _lookup(set(data["targets"]), targets, _("Target %(id)s is not part of this campaign."))
        except serializers.ValidationError as error:
            errors["targets"] = error.detail

        question_set = None
        if data["question_set"] is not None:
            sets = QuestionSet.objects.filter(pk=data["question_set"])
            if meeting is None or meeting.question_set_id != data["question_set"]:
                sets = sets.filter(is_active=True)
            question_set = sets.first()
            if question_set is None:
                errors["question_set"] = _("Choose a question set from the list.")
        data["question_set"] = question_set

        answers = []
        question_ids = [a["question"] for a in data["answers"] if "question" in a]
        answer_ids = [a["answer"] for a in data["answers"] if "answer" in a]
        questions = (
            {q.pk: q for q in Question.objects.filter(question_set=question_set, pk__in=question_ids)}
            if question_set and question_ids
            else {}
        )
        own_answers = {a.pk: a for a in meeting.answers.all()} if meeting is not None and answer_ids else {}
        try:
            _no_duplicates(question_ids, _("Each question is answered once."))
            _no_duplicates(answer_ids, _("Each answer is given once."))
            for item in data["answers"]:
                if "question" in item:
                    (question,) = _lookup(
                        [item["question"]], questions, _("Question %(id)s is not in the chosen question set.")
                    )
                    answers.append({"question": question, "text": item["text"], "assessment": item["assessment"]})
                else:
                    (answer,) = _lookup([item["answer"]], own_answers, _("Answer %(id)s is not of this meeting."))
                    answers.append({"answer": answer, "text": item["text"], "assessment": item["assessment"]})
        except serializers.ValidationError as error:
            errors["answers"] = error.detail
        data["answers"] = answers

        follow_ups = []
        for item in data["follow_ups"]:
            owner = None
            if item.get("owner") is not None:
                owner = team.get(item["owner"])
                if owner is None:
                    errors["follow_ups"] = [_("The owner of a follow-up must be on the campaign's team.")]
                    break
            follow_ups.append({**item, "owner": owner, "title": item["title"].strip()})
        data["follow_ups"] = follow_ups

        stance_updates = {}
        for item in data["stance_updates"]:
            target = targets.get(item["target"])
            if target is None:
                errors["stance_updates"] = [_("Target %(id)s is not part of this campaign.") % {"id": item["target"]}]
                break
            if item["stance"] != target.stance:
                stance_updates[target] = item["stance"]
        data["stance_updates"] = stance_updates
        if errors:
            raise serializers.ValidationError(errors)

        typed = data.pop("confidential_notes", None)
        if campaign.user_can_see_confidential:
            data["confidential_notes"] = typed
        elif typed and typed.strip():
            earlier = meeting.confidential_notes if meeting else ""
            data["confidential_notes"] = f"{earlier}\n\n{typed.strip()}".strip()
        else:
            data["confidential_notes"] = None
        data["draft"] = draft
        return data


# --- records requests ----------------------------------------------------------------------------


class AgencyRefSerializer(ReadModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class RecordsRequestSerializer(WebUrlMixin, ReadModelSerializer):
    agency = AgencyRefSerializer(read_only=True)
    law = serializers.CharField(source="law.law_name", read_only=True, allow_null=True, default=None)
    due_explanation = serializers.CharField(read_only=True, help_text="How the due date was found.")
    due_needs_review = serializers.BooleanField(read_only=True)

    class Meta:
        model = RecordsRequest
        fields = [
            "id",
            "campaign",
            "agency",
            "subject",
            "records_sought",
            "method",
            "sent_on",
            "status",
            "law",
            "due_rule",
            "original_due_date",
            "due_date",
            "due_explanation",
            "due_needs_review",
            "batch",
            "response_note",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields


class RecordsRequestBatchSerializer(serializers.Serializer):
    records_requests = RecordsRequestSerializer(many=True, help_text="One request per agency, in the order given.")


class RecordsRequestInputSerializer(serializers.Serializer):
    agencies = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=50,
        help_text="One request is made for each agency (of the campaign's jurisdiction).",
    )
    subject = serializers.CharField(max_length=200)
    records_sought = serializers.CharField(max_length=MAX_TEXT)
    method = serializers.ChoiceField(choices=RecordsRequest.Method.choices, default=RecordsRequest.Method.EMAIL)
    sent_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Leave out to keep it a draft."
    )

    def validate_sent_on(self, value):
        return _check_past_date(value)

    def validate_agencies(self, value):
        _no_duplicates(value, _("Each agency once."))
        agencies = {a.pk: a for a in campaign_agencies(self.context["campaign"]).filter(pk__in=value)}
        return _lookup(value, agencies, _("Agency %(id)s is not in this campaign's jurisdiction."))


class RecordsRequestStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RecordsRequest.Status.choices)
    sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    extended_to = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The date the agency gave when it extended."
    )
    response_note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate_sent_on(self, value):
        return _check_past_date(value)

    def validate_extended_to(self, value):
        return _check_year(value)

    def validate(self, data):
        if data.get("extended_to") and data["status"] != RecordsRequest.Status.EXTENDED:
            raise serializers.ValidationError({"extended_to": _("An extended date goes with the status Extended.")})
        return data


# --- letters -------------------------------------------------------------------------------------


class LetterSerializer(WebUrlMixin, ReadModelSerializer):
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Targets it is addressed to.")
    text = serializers.SerializerMethodField(help_text="The letter as sent: the body with its merge fields filled.")

    class Meta:
        model = Letter
        fields = [
            "id",
            "campaign",
            "template",
            "recipients",
            "subject",
            "sender",
            "letter_date",
            "body",
            "text",
            "status",
            "sent_on",
            "answered_on",
            "response_note",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_text(self, letter) -> str:

        return letter_render(letter, list(letter.recipients.all()))


def _recipients(campaign, ids):
    targets = {t.pk: t for t in campaign.targets.filter(pk__in=ids)}
    return _lookup(ids, targets, _("Target %(id)s is not part of this campaign."))


def _check_letter_body(value):

    try:
        validate_template_body(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from None
    return value


class LetterCreateSerializer(serializers.Serializer):
    template = IdField(help_text="A sample letter of the library (a resource with a letter template).")
    recipients = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    sender = serializers.CharField(max_length=200)
    letter_date = serializers.DateField(required=False, allow_null=True, default=None)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_letter_date(self, value):
        return _check_year(value)

    def validate_template(self, value):

        template = (
            Resource.objects.approved().filter(kind=Kind.SAMPLE_LETTER, pk=value).exclude(template_body="").first()
        )
        if template is None:
            raise serializers.ValidationError(_("Choose a sample letter with a template from the library."))
        return template

    def validate_recipients(self, value):
        _no_duplicates(value, _("Each recipient once."))
        return _recipients(self.context["campaign"], value)


class LetterUpdateSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    sender = serializers.CharField(max_length=200)
    letter_date = serializers.DateField()
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000, help_text="Merge fields are written like {{ official }}.")

    def validate_letter_date(self, value):
        return _check_year(value)

    def validate_body(self, value):
        return _check_letter_body(value)

    def validate_recipients(self, value):
        _no_duplicates(value, _("Each recipient once."))
        return _recipients(self.context["campaign"], value)


class LetterStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Letter.Status.choices)
    sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    answered_on = serializers.DateField(required=False, allow_null=True, default=None)
    expect_answer_by = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Adds a follow-up deadline for the answer."
    )
    response_note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate_sent_on(self, value):
        return _check_past_date(value)

    def validate_answered_on(self, value):
        return _check_past_date(value)

    def validate_expect_answer_by(self, value):
        return _check_year(value)
