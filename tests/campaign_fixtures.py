"""What the campaign page tests share: a campaign with a lead and an organizer on its team, and a deadline."""

from datetime import date

import pytest

from campaigns import services
from campaigns.models import Goal
from tests import factories as f


@pytest.fixture
def campaign(organizer, staff):
    jurisdiction = f.JurisdictionFactory(name="Alpha County")
    campaign = services.campaign_create(
        user=staff,
        name="End holds in Alpha County",
        jurisdiction=jurisdiction,
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
        board_seats=5,
    )
    return campaign


@pytest.fixture
def deadline(campaign, organizer):
    return services.deadline_create(campaign=campaign, user=organizer, title="Call", due_date=date(2030, 1, 1))
