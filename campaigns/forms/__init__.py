"""Campaign forms. Every choice of a related row is limited to what the campaign and the user may use,
so an id from elsewhere (edited by hand in a select or hidden field) is a form error, never a save."""

from .campaign import (
    CampaignForm,
    DeadlineForm,
    JurisdictionChoiceField,
    MemberForm,
    ShareForm,
    StageForm,
    StanceForm,
    TargetForm,
)
from .common import (
    DateInput,
    DateTimeInput,
    TimeInput,
    UserChoiceField,
    UserMultipleChoiceField,
    staff_users,
    team_candidates,
)
from .letters import LetterEditForm, LetterNewForm, LetterStatusForm, SampleLetterChoiceField
from .meetings import MEETING_EARLIEST, MEETING_FUTURE_GRACE, FollowUpForm, FollowUpFormSet, MeetingForm, QuestionRow
from .questions import BaseQuestionFormSet, QuestionForm, QuestionFormSet, QuestionSetForm
from .requests import AgencyMultipleChoiceField, RecordsRequestForm, RecordsRequestStatusForm

__all__ = [
    "MEETING_EARLIEST",
    "MEETING_FUTURE_GRACE",
    "AgencyMultipleChoiceField",
    "BaseQuestionFormSet",
    "CampaignForm",
    "DateInput",
    "DateTimeInput",
    "DeadlineForm",
    "FollowUpForm",
    "FollowUpFormSet",
    "JurisdictionChoiceField",
    "LetterEditForm",
    "LetterNewForm",
    "LetterStatusForm",
    "MeetingForm",
    "MemberForm",
    "ShareForm",
    "QuestionForm",
    "QuestionFormSet",
    "QuestionRow",
    "QuestionSetForm",
    "RecordsRequestForm",
    "RecordsRequestStatusForm",
    "SampleLetterChoiceField",
    "StageForm",
    "StanceForm",
    "TargetForm",
    "TimeInput",
    "UserChoiceField",
    "UserMultipleChoiceField",
    "staff_users",
    "team_candidates",
]
