"""seed_demo on a slice of the real data: three states, one that limits, one that mandates, one with no law."""

import io
import random

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import Organization
from campaigns.management.commands import seed_demo as seed_demo_command
from campaigns.management.commands.seed_demo import (
    DEMO_ANCHOR,
    DEMO_NOTE,
    DEMO_PASSWORD,
    DEMO_SEED,
    demo_policy_records,
)
from campaigns.models import Campaign, CampaignShare
from core import roles
from jurisdictions.models import Agency, Agreement287g, Jurisdiction, PolicyLevel, PolicyRecord, RecordsLaw, StateLaw

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_data(data_slice, settings):
    """SHARED_DATA_DIR with the real files, cut down to three states where a file is large (conftest)."""
    settings.SHARED_DATA_DIR = data_slice
    return data_slice


def seed(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Jurisdiction, Agreement287g, Agency, StateLaw, RecordsLaw, PolicyRecord, User)
    }


def test_seed_demo_loads_the_real_data_and_creates_the_demo_users(shared_data):
    out = seed()
    assert Jurisdiction.objects.count() == 58 + 254 + 120
    assert Agreement287g.objects.filter(state__postal="TX").exists()
    assert Agency.objects.exclude(ori="").exists()
    assert StateLaw.objects.exists() and RecordsLaw.objects.count() == 52
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(DEMO_PASSWORD)
    expected = {
        "admin": roles.ADMIN,
        "staff1": roles.STAFF,
        "staff2": roles.STAFF,
        "organizer1": roles.ORGANIZER,
        "organizer2": roles.ORGANIZER,
        "organizer3": roles.ORGANIZER,
        "partner-staff": roles.STAFF,
        "partner-organizer": roles.ORGANIZER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.email == f"{username}@example.org" and user.get_full_name()
        assert user.check_password(DEMO_PASSWORD)
        assert f"{username:<18} {DEMO_PASSWORD}" in out
    partner = Organization.objects.get(name="Valley Rapid Response")
    assert set(partner.memberships.values_list("user__username", "role")) == {
        ("partner-staff", "staff"),
        ("partner-organizer", "organizer"),
    }
    assert "partner-organizer  demo-pass-2026  Valley Rapid Response" in out
    shares = CampaignShare.objects.all()
    assert [(s.campaign.name, s.organization, s.level) for s in shares] == [
        ("Enforce the California Values Act in Monterey County", partner, "collaborate")
    ]
    assert Campaign.objects.exclude(organization__is_default=True).count() == 0
    assert not User.objects.get(username="staff1").is_staff


def test_seed_demo_policy_records_follow_the_state_law_floor(shared_data):
    seed()
    records = PolicyRecord.objects.filter(note=DEMO_NOTE)
    assert records.exists() and not records.exclude(entered_by=None).exists()
    per_county = records.values("jurisdiction").distinct().count()
    assert records.count() > per_county  # several dimensions and some history per county

    def levels(postal):
        return list(Jurisdiction.objects.filter(state__postal=postal).values_list("level", flat=True))

    california, texas, kentucky = levels("CA"), levels("TX"), levels("KY")
    assert california.count(PolicyLevel.COMPLIES) < len(california) / 4
    assert texas.count(PolicyLevel.COMPLIES) > len(texas) / 2
    assert kentucky.count(PolicyLevel.UNKNOWN) > len(kentucky) / 4


def test_seed_demo_second_run_duplicates_nothing_and_prints_the_logins_again(shared_data):
    seed()
    before = counts()
    out = seed()
    assert counts() == before
    assert "Real data: agencies already loaded." in out
    assert "Demo policy records: already there." in out
    assert f"{'organizer3':<18} {DEMO_PASSWORD}" in out
    out = seed("--force")
    assert "Real data: loading states and counties" in out
    assert counts() == before


def test_demo_policy_records_are_reproducible(shared_data):
    seed()
    first = demo_policy_records(random.Random(DEMO_SEED), DEMO_ANCHOR)
    second = demo_policy_records(random.Random(DEMO_SEED), DEMO_ANCHOR)
    as_tuples = [(r.jurisdiction_id, r.dimension, r.value, r.effective_date) for r in first]
    assert as_tuples == [(r.jurisdiction_id, r.dimension, r.value, r.effective_date) for r in second]


def test_seed_demo_runs_each_apps_demo_step(shared_data, monkeypatch):
    calls = []
    step = lambda *, users, force, stdout: calls.append((sorted(users), force))  # noqa: E731
    monkeypatch.setattr(seed_demo_command, "DEMO_STEPS", [step])
    seed()
    users = [
        "admin",
        "organizer1",
        "organizer2",
        "organizer3",
        "partner-organizer",
        "partner-staff",
        "staff1",
        "staff2",
    ]
    assert calls == [(users, False)]
