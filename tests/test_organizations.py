"""A coalition on one instance: campaigns belong to an organization, can be shared with a partner, and nothing
confidential crosses.

Every campaign URL of the site and of the API, found from the URL configuration, is read by each person: the
owning organization's staff and organizer, a partner's staff and organizer, another organization's staff and
a network admin, on a campaign shared with the partner to collaborate, one shared read-only, and one not
shared. None outside the owning organization reaches the unshared campaign (404 everywhere), and the
confidential note shows to nobody outside it."""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organization, OrganizationMembership
from accounts.organizations import default_organization, membership_set
from campaigns import services
from campaigns.access import campaigns_visible_to
from campaigns.models import Campaign, CampaignShare, Membership
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "Source-inside-the-jail-7731"


def org(name):
    return Organization.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def person(username, role, organization):
    return f.UserFactory(username=username, role=role, role__organization=organization)


def campaign_with_everything(name, jurisdiction, staff, organizer, question_set):
    campaign = services.campaign_create(
        user=staff, name=name, jurisdiction=jurisdiction, goal="end_holds", lead=staff, organizers=[organizer]
    )
    sheriff = f.OfficialFactory(agency=f.AgencyFactory(jurisdiction=jurisdiction), name=f"Sheriff of {name}")
    target = services.target_add(campaign=campaign, user=staff, official=sheriff)
    services.meeting_log(
        campaign=campaign,
        user=organizer,
        held_at=timezone.now() - datetime.timedelta(days=1),
        targets=[target],
        question_set=question_set,
        answers=[],
        summary=f"Met about {name}.",
        confidential_notes=f"{SECRET} {name}",
        follow_ups=[],
    )
    services.deadline_create(
        campaign=campaign, user=staff, title=f"Vote on {name}", due_date=timezone.localdate() + datetime.timedelta(9)
    )
    services.records_request_create(
        campaign=campaign,
        user=organizer,
        agencies=[target.official.agency],
        subject="Detainers",
        records_sought="All I-247A forms.",
        sent_on=timezone.localdate(),
    )
    sample = f.ResourceFactory(kind="sample_letter", template_body="Dear {{ official }},\n\nStop.\n\n{{ sender }}")
    services.letter_create(campaign=campaign, user=organizer, template=sample, recipients=[target], sender="Us")
    return campaign


@pytest.fixture
def coalition(db):
    home = default_organization()
    partner = org("Valley Rapid Response")
    other = org("Faraway Legal Clinic")
    people = {
        "owner_staff": person("owner-staff", roles.STAFF, home),
        "owner_organizer": person("owner-organizer", roles.ORGANIZER, home),
        "partner_staff": person("partner-staff", roles.STAFF, partner),
        "partner_organizer": person("partner-organizer", roles.ORGANIZER, partner),
        "other_staff": person("other-staff", roles.STAFF, other),
        "network_admin": f.UserFactory(username="network-admin", role=roles.ADMIN),
    }
    state = f.StateFactory(postal="QC", name="Campaign State", fips="59")
    f.StateRecordsLawFactory(state=state)
    question_set = f.QuestionSetFactory()
    staff, organizer = people["owner_staff"], people["owner_organizer"]
    campaigns = {
        kind: campaign_with_everything(
            f"{kind.title()} campaign", f.JurisdictionFactory(state=state), staff, organizer, question_set
        )
        for kind in ("collaborate", "read", "unshared")
    }
    services.campaign_share(
        campaign=campaigns["collaborate"], user=staff, organization=partner, level=CampaignShare.Level.COLLABORATE
    )
    services.campaign_share(
        campaign=campaigns["read"], user=staff, organization=partner, level=CampaignShare.Level.READ
    )
    return {"people": people, "campaigns": campaigns, "home": home, "partner": partner, "other": other}


def visible_names(user):
    return set(campaigns_visible_to(user).values_list("name", flat=True))


ALL = {"Collaborate campaign", "Read campaign", "Unshared campaign"}
SHARED = {"Collaborate campaign", "Read campaign"}


def test_who_sees_which_campaign(coalition):
    p = coalition["people"]
    assert visible_names(p["owner_staff"]) == ALL
    assert visible_names(p["owner_organizer"]) == ALL  # on all three teams
    assert visible_names(p["partner_staff"]) == SHARED
    assert visible_names(p["partner_organizer"]) == set()  # on no team yet
    assert visible_names(p["other_staff"]) == set()
    assert visible_names(p["network_admin"]) == ALL


# --- every campaign URL, web and API --------------------------------------------------------------


def campaign_routes():
    """(name, route) of every URL that takes a campaign's pk, in the site and the API."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and "<int:pk>" in route
                and route.startswith(("campaigns/", "api/campaigns/"))
            ):
                found.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, route))
        return found

    walk(get_resolver().url_patterns)
    reports = [("report-campaign", "reports/status/<int:pk>/"), ("report-campaign-pdf", "reports/status/<int:pk>.pdf")]
    return sorted(set(found)) + reports


def path_for(name, route, campaign):
    meeting = campaign.meetings.get()
    kwargs = {
        "pk": campaign.pk,
        "meeting_pk": meeting.pk,
        "target_pk": campaign.targets.get().pk,
        "request_pk": campaign.records_requests.get().pk,
        "letter_pk": campaign.letters.get().pk,
        "deadline_pk": campaign.deadlines.filter(records_request__isnull=True).first().pk,
        "member_pk": Membership.objects.filter(campaign=campaign, role="organizer").first().user_id,
        "action": "done",
    }
    wanted = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    return reverse(name, kwargs={key: kwargs[key] for key in wanted})


def client_for(user, api):
    client = APIClient() if api else None
    if api:
        client.force_authenticate(user)
        return client
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


OUTSIDERS = ["partner_staff", "partner_organizer", "other_staff"]
# Pages that manage a campaign: the owning organization's only.
MANAGE = {"campaigns:edit", "campaigns:stage", "campaigns:sharing", "api:campaign-stage"}


def test_every_campaign_url_of_an_unshared_campaign_is_a_404_outside_its_organization(coalition):
    campaign = coalition["campaigns"]["unshared"]
    routes = campaign_routes()
    assert len(routes) >= 40, routes  # the URL configuration was read
    for who in OUTSIDERS:
        user = coalition["people"][who]
        for name, route in routes:
            api = route.startswith("api/")
            path = path_for(name, route, campaign)
            response = client_for(user, api).get(path)
            assert response.status_code in (404, 405), (who, path, response.status_code)
            assert SECRET not in response.content.decode(errors="replace"), (who, path)


@pytest.mark.parametrize("who", ["owner_staff", "network_admin"])
def test_the_owning_organization_reaches_every_campaign_url(coalition, who):
    user = coalition["people"][who]
    campaign = coalition["campaigns"]["unshared"]
    for name, route in campaign_routes():
        api = route.startswith("api/")
        response = client_for(user, api).get(path_for(name, route, campaign))
        assert response.status_code not in (403, 404, 500), (who, name, response.status_code)


@pytest.mark.parametrize("kind", ["collaborate", "read"])
def test_a_partners_staff_reads_a_shared_campaign_without_its_confidential_notes(coalition, kind):
    user = coalition["people"]["partner_staff"]
    campaign = coalition["campaigns"][kind]
    for name, route in campaign_routes():
        api = route.startswith("api/")
        path = path_for(name, route, campaign)
        response = client_for(user, api).get(path)
        if name in MANAGE:
            assert response.status_code in (403, 405), (name, response.status_code)
            continue
        if kind == "read":  # seen, never changed: a form to change it is refused
            assert response.status_code not in (404, 500), (kind, name, response.status_code)
        else:
            assert response.status_code not in (403, 404, 500), (kind, name, response.status_code)
        assert SECRET not in response.content.decode(errors="replace"), (kind, path)


def test_the_owning_staff_read_the_confidential_note(client, coalition):
    campaign = coalition["campaigns"]["collaborate"]
    meeting = campaign.meetings.get()
    client.force_login(coalition["people"]["owner_staff"])
    assert SECRET in client.get(reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk])).content.decode()


def test_a_partner_collaborates_but_does_not_manage(client, coalition):
    campaign = coalition["campaigns"]["collaborate"]
    partner_staff, partner_organizer = coalition["people"]["partner_staff"], coalition["people"]["partner_organizer"]
    client.force_login(partner_staff)
    response = client.post(
        reverse("campaigns:deadline-new", args=[campaign.pk]),
        {"title": "Partner's call", "kind": "hearing", "due_date": "2030-01-01"},
    )
    assert response.status_code == 302
    assert campaign.deadlines.filter(title="Partner's call").exists()
    # Their own people, and only them, go on the team.
    team = reverse("campaigns:team", args=[campaign.pk])
    assert client.post(team, {"user": coalition["people"]["other_staff"].pk, "role": "organizer"}).status_code == 200
    assert client.post(team, {"user": partner_organizer.pk, "role": "organizer"}).status_code == 302
    assert Membership.objects.filter(campaign=campaign, user=partner_organizer).exists()
    membership = Membership.objects.get(campaign=campaign, user=partner_organizer)
    assert client.post(team, {"remove": membership.pk}).status_code == 403
    assert client.post(reverse("campaigns:stage", args=[campaign.pk]), {"stage": "organizing"}).status_code == 403
    # On the team now, the partner's organizer works on it, and still not with the confidential notes.
    client.force_login(partner_organizer)
    meeting = campaign.meetings.get()
    page = client.get(reverse("campaigns:meeting-detail", args=[campaign.pk, meeting.pk]))
    assert page.status_code == 200 and SECRET not in page.content.decode()
    assert visible_names(partner_organizer) == {"Collaborate campaign"}


def test_a_read_only_share_changes_nothing(client, coalition):
    campaign = coalition["campaigns"]["read"]
    client.force_login(coalition["people"]["partner_staff"])
    response = client.post(
        reverse("campaigns:deadline-new", args=[campaign.pk]),
        {"title": "Partner's call", "kind": "hearing", "due_date": "2030-01-01"},
    )
    assert response.status_code == 403
    api = APIClient()
    api.force_authenticate(coalition["people"]["partner_staff"])
    body = {"title": "T", "kind": "hearing", "due_date": "2030-01-01"}
    assert api.post(f"/api/campaigns/{campaign.pk}/deadlines/", body, format="json").status_code == 403


def test_owning_staff_share_and_unshare(client, coalition):
    campaign = coalition["campaigns"]["unshared"]
    other = coalition["other"]
    client.force_login(coalition["people"]["owner_staff"])
    sharing = reverse("campaigns:sharing", args=[campaign.pk])
    page = client.get(sharing)
    assert page.status_code == 200 and "Not shared with any other organization." in page.content.decode()
    assert client.post(sharing, {"organization": other.pk, "level": "read"}).status_code == 302
    assert "Unshared campaign" in visible_names(coalition["people"]["other_staff"])
    share = CampaignShare.objects.get(campaign=campaign, organization=other)
    assert client.post(sharing, {"unshare": share.pk}).status_code == 302
    assert "Unshared campaign" not in visible_names(coalition["people"]["other_staff"])
    # Its own organization is no partner.
    response = client.post(sharing, {"organization": campaign.organization_id, "level": "read"})
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.parametrize("who", ["partner_staff", "owner_organizer", "other_staff"])
def test_only_the_owning_staff_open_the_sharing_page(client, coalition, who):
    campaign = coalition["campaigns"]["collaborate"]
    client.force_login(coalition["people"][who])
    expected = 404 if who == "other_staff" else 403
    assert client.get(reverse("campaigns:sharing", args=[campaign.pk])).status_code == expected


def test_anonymous_is_sent_to_sign_in_from_the_sharing_page(client, coalition):
    campaign = coalition["campaigns"]["collaborate"]
    response = client.get(reverse("campaigns:sharing", args=[campaign.pk]))
    assert response.status_code in (302, 403)


# --- lists, exports, the API, digests and search --------------------------------------------------


LISTS = [
    "/",
    "/campaigns/",
    "/campaigns/meetings/",
    "/campaigns/deadlines/",
    "/campaigns/requests/",
    "/exports/campaigns.csv",
    "/exports/meetings.csv",
    "/exports/deadlines.csv",
    "/exports/requests.csv",
    "/reports/status/",
    "/campaigns/?q=campaign",
]


@pytest.mark.parametrize("path", LISTS)
def test_lists_and_exports_show_a_partner_only_what_is_shared(client, coalition, path):
    client.force_login(coalition["people"]["partner_staff"])
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    assert "Unshared campaign" not in text
    assert SECRET not in text
    if path in ("/", "/campaigns/", "/reports/status/"):
        assert "Collaborate campaign" in text and "Read campaign" in text


def test_the_api_lists_a_partner_only_what_is_shared(coalition):
    api = APIClient()
    api.force_authenticate(coalition["people"]["partner_staff"])
    names = {row["name"] for row in api.get("/api/campaigns/").json()["results"]}
    assert names == SHARED
    row = api.get(f"/api/campaigns/{coalition['campaigns']['read'].pk}/").json()
    assert row["organization"]["name"] == coalition["home"].name
    assert row["can_manage"] is False and row["can_change"] is False


def test_a_network_admin_filters_campaigns_by_organization(client, coalition):
    partner_campaign = services.campaign_create(
        user=coalition["people"]["partner_staff"],
        name="The partner's own campaign",
        jurisdiction=f.JurisdictionFactory(),
        goal="end_holds",
    )
    assert partner_campaign.organization == coalition["partner"]
    client.force_login(coalition["people"]["network_admin"])
    response = client.get("/campaigns/", {"organization": coalition["partner"].pk})
    names = [row.name for row in response.context["page"].object_list]
    assert names == ["The partner's own campaign"]
    client.force_login(coalition["people"]["owner_staff"])
    response = client.get("/campaigns/")
    assert "The partner's own campaign" not in response.content.decode()
    assert 'name="organization"' not in response.content.decode()


def test_digests_of_staff_cover_their_organizations_campaigns(coalition, settings):
    from campaigns import notifications

    settings.NOTIFICATIONS_BATCH_SIZE = 50
    people = coalition["people"]
    from accounts.models import Profile

    for user in people.values():
        Profile.objects.create(user=user, digest_frequency="daily", digest_hour=0, digest_when_empty=True)
    recipients = notifications._digest_recipients(
        [
            type("Row", (), {"pk": n, "user": user, "user_id": user.pk, "period": timezone.localdate()})
            for n, user in enumerate(people.values())
        ],
        timezone.now(),
    )
    by_user = {r.user.username: r.campaign_ids for r in recipients.values()}
    ids = {kind: campaign.pk for kind, campaign in coalition["campaigns"].items()}
    assert by_user["owner-staff"] == frozenset(ids.values())
    assert by_user["partner-staff"] == frozenset({ids["collaborate"], ids["read"]})
    assert by_user["other-staff"] == frozenset()
    assert by_user["network-admin"] is None


def test_memberships_set_the_role_groups(coalition):
    user = f.UserFactory(username="newcomer")
    membership_set(organization=coalition["partner"], user=user, role=OrganizationMembership.Role.STAFF)
    assert roles.role_of(user) == roles.STAFF
    assert visible_names(user) == SHARED
    assert Campaign.objects.filter(organization=coalition["home"]).count() == 3
