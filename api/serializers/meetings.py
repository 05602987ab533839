"""Meetings with their answers, and the meeting as the meeting form takes it (answers, follow-ups,
stance updates, drafts)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.access import can_see_meeting_confidential, confidential_notes_to_save
from campaigns.forms import MEETING_EARLIEST, MEETING_FUTURE_GRACE
from campaigns.models import (
    Answer,
    Assessment,
    Deadline,
    Meeting,
    Question,
    QuestionSet,
    Stance,
)

from .common import (
    MAX_TEXT,
    IdField,
    ReadModelSerializer,
    UserRefSerializer,
    WebUrlMixin,
    check_year,
    lookup,
    no_duplicates,
)
from .deadlines import HAND_MADE_DEADLINE_KINDS, team_by_id


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
        help_text="Only for the campaign's lead(s), staff and the meeting's author; null for everyone else."
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
        campaign, request = self.context.get("campaign"), self.context.get("request")
        if campaign is None or request is None:
            return None
        return meeting.confidential_notes if can_see_meeting_confidential(request.user, campaign, meeting) else None


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
        return check_year(value)


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
        team = team_by_id(campaign)
        try:
            data["targets"] = lookup(set(data["targets"]), targets, _("Target %(id)s is not part of this campaign."))
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
            no_duplicates(question_ids, _("Each question is answered once."))
            no_duplicates(answer_ids, _("Each answer is given once."))
            for item in data["answers"]:
                if "question" in item:
                    (question,) = lookup(
                        [item["question"]], questions, _("Question %(id)s is not in the chosen question set.")
                    )
                    answers.append({"question": question, "text": item["text"], "assessment": item["assessment"]})
                else:
                    (answer,) = lookup([item["answer"]], own_answers, _("Answer %(id)s is not of this meeting."))
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

        data["confidential_notes"] = confidential_notes_to_save(
            self.context["request"].user, campaign, meeting, data.pop("confidential_notes", None)
        )
        data["draft"] = draft
        return data
