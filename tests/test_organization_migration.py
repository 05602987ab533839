"""The move to organizations keeps everything: a database seeded before it (people in their role groups, a
campaign with its team) comes out with one default organization holding every campaign and every person in
the role their group gave them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0001_initial"), ("campaigns", "0010_plausible_dates"), ("resources", "0007_plausible_dates")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_people_and_campaigns_move_into_the_default_organization():
    old = migrate(BEFORE)
    Group, User = old.get_model("auth", "Group"), old.get_model("auth", "User")
    State, Jurisdiction = old.get_model("jurisdictions", "State"), old.get_model("jurisdictions", "Jurisdiction")
    Campaign, Membership = old.get_model("campaigns", "Campaign"), old.get_model("campaigns", "Membership")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ("Admin", "Staff", "Organizer")}
    people = {}
    for username, group in (("old-admin", "Admin"), ("old-staff", "Staff"), ("old-organizer", "Organizer")):
        people[username] = User.objects.create(username=username)
        people[username].groups.add(groups[group])
    root = User.objects.create(username="root", is_superuser=True)
    nobody = User.objects.create(username="no-role")
    state = State.objects.create(name="Old State", postal="OS", fips="70")
    county = Jurisdiction.objects.create(state=state, kind="county", fips="70001", name="Old County")
    campaign = Campaign.objects.create(
        name="Old campaign", jurisdiction=county, goal="end_holds", lead=people["old-staff"]
    )
    Membership.objects.create(campaign=campaign, user=people["old-organizer"])

    executor = MigrationExecutor(connection)
    new = migrate(executor.loader.graph.leaf_nodes())
    Organization = new.get_model("accounts", "Organization")
    OrganizationMembership = new.get_model("accounts", "OrganizationMembership")
    NewCampaign = new.get_model("campaigns", "Campaign")
    (default,) = Organization.objects.all()
    assert default.is_default
    assert NewCampaign.objects.get(pk=campaign.pk).organization_id == default.pk
    roles = dict(OrganizationMembership.objects.values_list("user__username", "role"))
    assert roles == {"old-admin": "admin", "old-staff": "staff", "old-organizer": "organizer", "root": "admin"}
    assert not OrganizationMembership.objects.filter(user_id=nobody.pk).exists()
    assert root.pk in OrganizationMembership.objects.values_list("user_id", flat=True)
    NewMembership = new.get_model("campaigns", "Membership")
    assert NewMembership.objects.filter(campaign_id=campaign.pk, user__username="old-organizer").exists()
