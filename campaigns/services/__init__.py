"""Writes of campaign data. Views, commands, the demo and the API all call these.

Each service is keyword-only and atomic: it either does everything it says or nothing, and it
keeps the campaign's `last_activity_at` current so lists can sort and filter on it.
"""

from .campaign import (
    campaign_change_stage,
    campaign_create,
    campaign_share,
    campaign_unshare,
    campaign_update,
    membership_add,
    membership_remove,
    target_add,
    target_set_stance,
    team_user_ids,
)
from .common import campaign_touch
from .deadlines import deadline_cancel, deadline_complete, deadline_create, deadline_reopen, deadline_update
from .letters import letter_create, letter_merge_values, letter_render, letter_set_status, letter_update
from .meetings import meeting_delete_draft, meeting_draft_follow_ups, meeting_log
from .questions import question_set_save
from .requests import records_request_create, records_request_update

__all__ = [
    "campaign_change_stage",
    "campaign_create",
    "campaign_share",
    "campaign_unshare",
    "campaign_touch",
    "campaign_update",
    "deadline_cancel",
    "deadline_complete",
    "deadline_create",
    "deadline_reopen",
    "deadline_update",
    "letter_create",
    "letter_merge_values",
    "letter_render",
    "letter_set_status",
    "letter_update",
    "meeting_delete_draft",
    "meeting_draft_follow_ups",
    "meeting_log",
    "membership_add",
    "membership_remove",
    "question_set_save",
    "records_request_create",
    "records_request_update",
    "target_add",
    "target_set_stance",
    "team_user_ids",
]
