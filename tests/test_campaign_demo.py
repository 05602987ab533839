"""The demo campaigns seed_demo builds: on real counties, every stage, idempotent."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.demo import CAMPAIGNS, seed_assignments_demo, seed_campaigns_demo, seed_demo
from campaigns.due_dates import compute_due_date
from campaigns.models import (
    Answer,
    Assignment,
    Campaign,
    Deadline,
    Letter,
    Meeting,
    Membership,
    RecordsRequest,
    Stage,
    StageChange,
)
from core import roles
from jurisdictions.models import Jurisdiction, RecordsLaw, State
from resources import demo as resources_demo
from resources.models import Kind
from tests import factories as f

pytestmark = pytest.mark.django_db
DATA = Path(settings.SHARED_DATA_DIR)


class Out(io.StringIO):
    def write(self, text):
        return super().write(f"{text}\n")


@pytest.fixture
def real_counties():
    """The demo's counties and their states, from the real data files."""
    wanted = {spec.fips for spec in CAMPAIGNS}
    with (DATA / "us_states.csv").open(encoding="utf-8") as handle:
        states = {row["postal"]: row for row in csv.DictReader(handle)}
    with (DATA / "us_counties.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["fips"] in wanted]
    assert len(rows) == len(wanted)
    for row in rows:
        state_row = states[row["state"]]
        state, _ = State.objects.get_or_create(
            postal=state_row["postal"], defaults={"name": state_row["name"], "fips": state_row["fips"]}
        )
        Jurisdiction.objects.create(
            state=state, fips=row["fips"], name=row["name"], short_name=row["short_name"], county_type=row["kind"]
        )
    # Three kinds of records law, as the real file has them for these states.
    RecordsLaw.objects.create(
        state=State.objects.get(postal="TX"),
        law_name="Texas Public Information Act",
        response_days=10,
        day_type=RecordsLaw.DayType.BUSINESS,
        extension_days=10,
    )
    RecordsLaw.objects.create(
        state=State.objects.get(postal="CA"),
        law_name="California Public Records Act",
        response_days=10,
        day_type=RecordsLaw.DayType.CALENDAR,
        extension_days=14,
    )
    RecordsLaw.objects.create(
        state=State.objects.get(postal="NC"), law_name="North Carolina Public Records Act", needs_review=True
    )


@pytest.fixture
def demo_users():
    users = {}
    for name, role in [
        ("staff1", roles.STAFF),
        ("staff2", roles.STAFF),
        ("organizer1", roles.ORGANIZER),
        ("organizer2", roles.ORGANIZER),
        ("organizer3", roles.ORGANIZER),
    ]:
        users[name] = f.UserFactory(username=name, role=role)
    return users


@pytest.fixture
def sample_letter(db):
    return f.ResourceFactory(
        title="Sample letter to the board",
        kind=Kind.SAMPLE_LETTER,
        url="",
        template_body="{{ date }}\n\nDear {{ official }},\n\nEnd ICE holds in {{ jurisdiction }}.\n\n{{ sender }}",
    )


def _counts():
    models = (Campaign, Membership, StageChange, Meeting, Answer, RecordsRequest, Deadline, Letter)
    return [model.objects.count() for model in models]


def test_demo_builds_every_stage_on_real_counties_and_runs_twice_without_change(
    real_counties, demo_users, sample_letter
):
    out = Out()
    assert seed_campaigns_demo(out) == len(CAMPAIGNS)
    first = _counts()
    assert seed_campaigns_demo(out) == 0
    assert _counts() == first
    assert "10 already there" in out.getvalue()

    assert set(Campaign.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Campaign.objects.values("jurisdiction__state").distinct().count() >= 5
    for campaign in Campaign.objects.all():
        assert campaign.summary.startswith("Demo campaign")
        assert campaign.memberships.filter(user__username__startswith="organizer").exists()
        assert campaign.lead.username in {"staff1", "staff2"}
        if campaign.stage in (Stage.WON, Stage.LOST):
            assert campaign.outcome
        if campaign.stage != Stage.RESEARCH:
            meetings = campaign.meetings.all()
            assert meetings.exists()
            assert Answer.objects.filter(meeting__in=meetings).exclude(text="").exists()


def test_demo_letters_from_the_librarys_samples(real_counties, demo_users, sample_letter):
    seed_campaigns_demo(Out())
    statuses = set(Letter.objects.values_list("status", flat=True))
    assert statuses == {Letter.Status.DRAFT, Letter.Status.SENT, Letter.Status.ANSWERED}
    assert not Letter.objects.filter(campaign__stage__in=[Stage.RESEARCH, Stage.COALITION]).exists()
    sent = Letter.objects.filter(status=Letter.Status.SENT).first()
    assert sent.deadlines.get().status == Deadline.Status.OPEN
    from campaigns.services import letter_render

    assert "{{" not in letter_render(sent) and "Dear " in letter_render(sent)


def test_demo_without_sample_letters_makes_no_letters(real_counties, demo_users):
    out = Out()
    seed_campaigns_demo(out)
    assert not Letter.objects.exists()
    assert "no sample letter" in out.getvalue()


def test_demo_has_open_overdue_and_closed_deadlines(real_counties, demo_users):
    seed_campaigns_demo(Out())
    today = timezone.localdate()
    open_deadlines = Deadline.objects.filter(status=Deadline.Status.OPEN)
    assert open_deadlines.filter(due_date__lt=today).exists()
    assert open_deadlines.filter(due_date__gte=today).exists()
    assert Deadline.objects.filter(status=Deadline.Status.DONE).exists()


def test_demo_requests_carry_the_laws_due_dates(real_counties, demo_users):
    seed_campaigns_demo(Out())
    harris = RecordsRequest.objects.filter(campaign__jurisdiction__fips="48201").order_by("sent_on")
    first = harris.first()
    law = RecordsLaw.objects.get(state__postal="TX")
    assert first.original_due_date == compute_due_date(law, first.sent_on).date
    assert RecordsRequest.objects.filter(status=RecordsRequest.Status.EXTENDED).exists()
    north_carolina = RecordsRequest.objects.filter(agency__state__postal="NC")
    assert north_carolina.exists()
    assert not north_carolina.exclude(due_date=None).exists()
    assert RecordsRequest.objects.filter(status=RecordsRequest.Status.DRAFT, due_date=None).exists()
    for request in RecordsRequest.objects.exclude(due_date=None):
        assert request.deadlines.get().due_date == request.due_date


def test_demo_skips_without_users_or_counties(db):
    out = Out()
    assert seed_campaigns_demo(out) == 0
    assert "demo users" in out.getvalue()


def test_demo_skips_counties_not_loaded(demo_users):
    out = Out()
    assert seed_campaigns_demo(out) == 0
    assert "county not loaded" in out.getvalue()


def test_seed_demo_hook(real_counties, demo_users):
    out = Out()
    seed_demo(users=demo_users, force=False, stdout=out)
    assert Campaign.objects.count() == len(CAMPAIGNS)
    # Dates are in the past except deadlines ahead: nothing was logged in the future.
    assert not Meeting.objects.filter(held_at__gt=timezone.now()).exists()
    assert not StageChange.objects.filter(changed_at__gt=timezone.now() + timedelta(minutes=1)).exists()


def test_demo_assignments_on_the_first_campaigns(staff):
    resources_demo.seed_resources_demo(io.StringIO(), user=staff)
    campaigns = [f.CampaignFactory(), f.CampaignFactory(goal="end_287g")]
    out = io.StringIO()
    seed_assignments_demo(out, user=staff)
    assert Assignment.objects.filter(campaign=campaigns[0], withdrawn_at__isnull=True).count() == 4
    assert Assignment.objects.filter(campaign=campaigns[1]).count() == 6
    withdrawn = Assignment.objects.get(withdrawn_at__isnull=False)
    assert withdrawn.campaign == campaigns[0] and withdrawn.withdrawal_reason.startswith("Demo:")
    assert all(note.startswith("Demo note:") for note in Assignment.objects.values_list("note", flat=True))
    before = Assignment.objects.count()
    seed_assignments_demo(out, user=staff)
    assert Assignment.objects.count() == before


def test_demo_without_campaigns_makes_no_assignments(staff):
    out = io.StringIO()
    seed_assignments_demo(out, user=staff)
    assert "no campaigns yet" in out.getvalue()
