"""Officials: the directory and its filters, an official's page, staff editing, import_officials and the demo."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from jurisdictions.demo import election_day, next_election_day, seed_officials_demo
from jurisdictions.models import Agency, Office, Official
from tests import factories

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("jurisdictions:officials")
TODAY = datetime.date(2026, 12, 7)
ROLES = ["organizer", "other_organizer", "staff", "admin"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 18, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def private_map(settings):
    settings.PUBLIC_MAP = False


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def georgia(db):
    return factories.StateFactory(postal="GA", fips="13", name="Georgia")


@pytest.fixture
def florida(db):
    return factories.StateFactory(postal="FL", fips="12", name="Florida")


@pytest.fixture
def fulton(georgia):
    return factories.JurisdictionFactory(state=georgia, fips="13121", name="Fulton County")


@pytest.fixture
def sheriff(fulton):
    office = factories.AgencyFactory(jurisdiction=fulton, name="Fulton County Sheriff's Office", phone="404-555-0100")
    return factories.OfficialFactory(
        agency=office,
        office=Office.SHERIFF,
        name="Pat Labat",
        title="Sheriff",
        party="Democratic",
        term_start=datetime.date(2025, 1, 1),
        term_end=datetime.date(2028, 12, 31),
        next_election=datetime.date(2028, 11, 7),
        source="Fulton County elections office",
        source_url="https://fultoncountyga.gov/elections",
        verified_on=datetime.date(2026, 11, 2),
    )


def names(response):
    return [official.name for official in response.context["officials"]]


# --- who may see the directory and an official's page --------------------------------------------------


def test_anonymous_is_sent_to_sign_in_when_the_map_is_private(client, private_map, sheriff):
    for url in (DIRECTORY, sheriff.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_anonymous_sees_the_directory_when_the_map_is_public(client, public_map, sheriff):
    assert names(client.get(DIRECTORY)) == ["Pat Labat"]
    body = client.get(sheriff.get_absolute_url()).content.decode()
    assert "Pat Labat" in body and 'id="edit-official"' not in body


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_directory_and_an_officials_page(client, private_map, request, sheriff, role):
    client.force_login(request.getfixturevalue(role))
    assert names(client.get(DIRECTORY)) == ["Pat Labat"]
    body = client.get(sheriff.get_absolute_url()).content.decode()
    assert ('id="edit-official"' in body) == (role in ("staff", "admin"))


def test_an_official_that_does_not_exist_is_404(client, organizer):
    client.force_login(organizer)
    assert client.get(reverse("jurisdictions:official", args=[999_999])).status_code == 404


def test_the_page_shows_term_election_party_contact_and_source_with_its_date(client, organizer, sheriff):
    client.force_login(organizer)
    body = client.get(sheriff.get_absolute_url()).content.decode()
    assert "Jan. 1, 2025" not in body  # short dates
    assert "01/01/2025 – 12/31/2028" in body
    assert "Nov. 7, 2028" in body
    assert "Democratic" in body
    assert "404-555-0100" in body and "(office)" in body  # the office's phone, the official has none
    assert "https://fultoncountyga.gov/elections" in body and "checked 11/02/2026" in body


def test_demo_officials_say_so(client, organizer, sheriff):
    Official.objects.update(is_demo=True)
    client.force_login(organizer)
    assert "Demo data: an invented person" in client.get(sheriff.get_absolute_url()).content.decode()
    assert 'data-demo="1"' in client.get(DIRECTORY).content.decode()


# --- the directory's filters ------------------------------------------------------------------------


@pytest.fixture
def officials(sheriff, fulton, florida):
    dade = factories.JurisdictionFactory(state=florida, fips="12086", name="Miami-Dade County")
    board = factories.AgencyFactory(jurisdiction=fulton, kind=Agency.Kind.BOARD, name="Fulton County Commission")
    made = {"sheriff": sheriff}
    made["soon"] = factories.OfficialFactory(
        agency=board, office=Office.BOARD_MEMBER, name="Soon Commissioner", next_election=datetime.date(2027, 3, 2)
    )
    made["edge"] = factories.OfficialFactory(
        agency=board, office=Office.BOARD_MEMBER, name="Edge Commissioner", next_election=datetime.date(2027, 6, 7)
    )
    made["former"] = factories.OfficialFactory(
        agency=board, office=Office.BOARD_MEMBER, name="Former Commissioner", is_active=False
    )
    florida_office = factories.AgencyFactory(jurisdiction=dade, name="Miami-Dade Sheriff's Office")
    made["florida"] = factories.OfficialFactory(
        agency=florida_office,
        office=Office.SHERIFF,
        name="Rosie Cordero-Stutz",
        next_election=datetime.date(2028, 11, 7),
    )
    return made


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Pat Labat", "Soon Commissioner", "Edge Commissioner", "Rosie Cordero-Stutz"}),
        ({"state": "fl"}, {"Rosie Cordero-Stutz"}),
        ({"office": "board_member"}, {"Soon Commissioner", "Edge Commissioner"}),
        (
            {"office": "board_member", "include_former": "on"},
            {"Soon Commissioner", "Edge Commissioner", "Former Commissioner"},
        ),
        ({"election_within": "3"}, {"Soon Commissioner"}),
        ({"election_within": "6"}, {"Soon Commissioner", "Edge Commissioner"}),
        ({"election_within": "24", "state": "GA"}, {"Pat Labat", "Soon Commissioner", "Edge Commissioner"}),
        ({"q": "miami"}, {"Rosie Cordero-Stutz"}),
        ({"q": "labat"}, {"Pat Labat"}),
    ],
)
def test_filters(client, organizer, officials, params, expected):
    client.force_login(organizer)
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    assert set(names(response)) == expected


def test_election_filter_lists_the_soonest_first(client, organizer, officials):
    client.force_login(organizer)
    assert names(client.get(DIRECTORY, {"election_within": "24"})) == [
        "Soon Commissioner",
        "Edge Commissioner",
        "Rosie Cordero-Stutz",  # the same day as Pat Labat's: Florida before Georgia
        "Pat Labat",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"election_within": "0"},
        {"election_within": "61"},
        {"election_within": "2.5"},
        {"election_within": "soon"},
        {"office": "emperor"},
        {"state": "ZZ"},
        {"q": "x" * 101},
    ],
)
def test_bad_filter_values_answer_400_with_the_form_and_no_rows(client, organizer, officials, params):
    client.force_login(organizer)
    response = client.get(DIRECTORY, params)
    assert response.status_code == 400
    assert names(response) == []
    assert "Some filters could not be read" in response.content.decode()


def test_directory_is_paginated_and_keeps_its_filters(client, organizer, fulton):
    office = factories.AgencyFactory(jurisdiction=fulton)
    for n in range(60):
        factories.OfficialFactory(agency=office, office=Office.SHERIFF, name=f"Deputy {n:02d}")
    client.force_login(organizer)
    first = client.get(DIRECTORY, {"office": "sheriff"})
    assert len(names(first)) == 50
    assert "office=sheriff&amp;page=2" in first.content.decode()
    second = client.get(DIRECTORY, {"office": "sheriff", "page": "2"})
    assert len(names(second)) == 10
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize("signed_in", [True, False])
def test_directory_query_count_is_the_same_for_2_and_20_rows(
    client, public_map, organizer, fulton, django_assert_num_queries, signed_in
):
    if signed_in:
        client.force_login(organizer)

    def grow(n):
        for _ in range(n):
            state = factories.StateFactory()
            county = factories.JurisdictionFactory(state=state)
            factories.OfficialFactory(agency=factories.AgencyFactory(jurisdiction=county), office=Office.SHERIFF)

    grow(2)
    expected = 5 if signed_in else 3  # (session, user,) count, page, the state select
    with django_assert_num_queries(expected):
        assert len(names(client.get(DIRECTORY))) == 2
    grow(18)
    with django_assert_num_queries(expected):
        assert len(names(client.get(DIRECTORY))) == 20


def test_directory_is_in_spanish(client, organizer, sheriff):
    client.force_login(organizer)
    body = client.get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Funcionarios" in body and "Próxima elección" in body


# --- staff edit officials outside the admin -------------------------------------------------------


def official_data(agency, **overrides):
    data = {
        "agency": agency.pk,
        "office": "sheriff",
        "name": "Ana Ruiz",
        "title": "Sheriff",
        "district": "",
        "party": "Independent",
        "is_active": "on",
        "term_start": "2025-01-01",
        "term_end": "2028-12-31",
        "next_election": "2028-11-07",
        "email": "sheriff@example.org",
        "phone": "555-0101",
        "website": "sheriff.example.org",
        "source": "Secretary of State candidate list",
        "source_url": "https://sos.example.org/candidates",
        "verified_on": "2026-12-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def new_url(agency):
    return reverse("jurisdictions:official-new", args=[agency.pk])


def edit_url(official):
    return reverse("jurisdictions:official-edit", args=[official.pk])


def test_anonymous_is_sent_to_sign_in_by_the_staff_forms(client, public_map, sheriff):
    for url in (new_url(sheriff.agency), edit_url(sheriff)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["organizer", "other_organizer"])
def test_organizers_may_not_add_or_edit_officials(client, request, sheriff, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(new_url(sheriff.agency)).status_code == 403
    assert client.post(edit_url(sheriff), official_data(sheriff.agency, name="Changed")).status_code == 403
    sheriff.refresh_from_db()
    assert sheriff.name == "Pat Labat"


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_add_an_official(client, request, sheriff, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(new_url(sheriff.agency)).status_code == 200
    response = client.post(new_url(sheriff.agency), official_data(sheriff.agency))
    official = Official.objects.get(name="Ana Ruiz")
    assert response.status_code == 302 and response["Location"] == official.get_absolute_url()
    assert (official.office, official.party, official.website) == (
        "sheriff",
        "Independent",
        "https://sheriff.example.org",
    )
    assert official.next_election == datetime.date(2028, 11, 7)
    assert not official.is_demo
    assert "Ana Ruiz was added." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_edit_an_official(client, request, sheriff, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        edit_url(sheriff), official_data(sheriff.agency, name="Pat Labat", next_election="2028-05-19", party="")
    )
    assert response.status_code == 302
    sheriff.refresh_from_db()
    assert sheriff.next_election == datetime.date(2028, 5, 19) and sheriff.party == ""


def test_staff_move_an_official_only_to_an_agency_of_the_same_county(client, staff, sheriff, florida):
    board = factories.AgencyFactory(jurisdiction=sheriff.agency.jurisdiction, kind=Agency.Kind.BOARD, name="Board")
    elsewhere = factories.AgencyFactory(jurisdiction=factories.JurisdictionFactory(state=florida, fips="12001"))
    client.force_login(staff)
    refused = client.post(edit_url(sheriff), official_data(elsewhere, name="Pat Labat"))
    assert refused.status_code == 200 and refused.context["form"].errors["agency"]
    moved = client.post(edit_url(sheriff), official_data(board, name="Pat Labat", office="board_member"))
    assert moved.status_code == 302
    sheriff.refresh_from_db()
    assert sheriff.agency == board


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"term_end": "2024-01-01"}, "term_end", "The term cannot end before it starts."),
        ({"source": "", "source_url": ""}, "source", "Say where these facts come from"),
        ({"next_election": "2206-11-03"}, "next_election", "most likely a typo"),
        ({"verified_on": "2027-01-01"}, "verified_on", "cannot be in the future"),
        ({"next_election": "next fall"}, "next_election", "Enter a valid date."),
        ({"office": "king"}, "office", "Select a valid choice."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(client, staff, sheriff, overrides, field, message):
    client.force_login(staff)
    response = client.post(new_url(sheriff.agency), official_data(sheriff.agency, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Official.objects.count() == 1


def test_the_county_page_links_officials_and_offers_staff_to_add_one(client, staff, organizer, sheriff):
    county_url = sheriff.agency.jurisdiction.get_absolute_url()
    client.force_login(staff)
    body = client.get(county_url).content.decode()
    assert sheriff.get_absolute_url() in body and new_url(sheriff.agency) in body
    assert "Fulton County elections office" in body
    client.force_login(organizer)
    assert new_url(sheriff.agency) not in client.get(county_url).content.decode()


# --- import_officials ------------------------------------------------------------------------------------

HEADER = (
    "state,county_fips,county,agency,office,name,title,district,party,email,phone,website,"
    "term_start,term_end,next_election,in_office,source,source_url,verified_on,demo\n"
)


def run_import(tmp_path, body, name="officials.csv"):
    path = Path(tmp_path) / name
    path.write_text(HEADER + body, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_officials", str(path), stdout=out, stderr=err)
    return path, out.getvalue(), err.getvalue()


@pytest.fixture
def places(fulton, florida):
    factories.JurisdictionFactory(state=florida, fips="12086", name="Miami-Dade County")
    factories.JurisdictionFactory(state=florida, fips="12001", name="Alachua County")
    board = factories.AgencyFactory(jurisdiction=fulton, kind=Agency.Kind.BOARD, name="Fulton County Commission")
    return {"board": board}


GOOD = (
    "GA,13121,,,Sheriff,Pat Labat,,,Democratic,,404-555-0100,,2025-01-01,2028-12-31,2028-11-07,yes,"
    "SOS candidate list,https://sos.ga.gov/x,2026-11-02,\n"
    'GA,,Fulton,,County Commissioner,Dana Barrett,"Commissioner, District 3",3,,dana@example.org,,,'
    "1/1/2025,12/31/2028,11/3/2026,,County site,,2026-11-02,\n"
    "Florida,,Miami Dade,,sheriff,Rosie Cordero-Stutz,,,Republican,,,,2025-01-07,,2028-11-07,,FL DOE,,,yes\n"
)


def test_import_loads_officials_into_their_agencies(tmp_path, places):
    path, out, err = run_import(tmp_path, GOOD)
    assert "created 3, updated 0, unchanged 0, skipped 0, rejected 0" in out
    labat = Official.objects.get(name="Pat Labat")
    assert labat.agency.name == "Fulton County Sheriff's Office"  # created: the county had no sheriff's office
    assert (labat.office, labat.party, labat.next_election) == ("sheriff", "Democratic", datetime.date(2028, 11, 7))
    assert labat.source_url == "https://sos.ga.gov/x" and labat.verified_on == datetime.date(2026, 11, 2)
    assert f"{path}:2: Fulton County Sheriff's Office was not recorded; created in Fulton County" in err
    barrett = Official.objects.get(name="Dana Barrett")
    assert (barrett.agency, barrett.office, barrett.district) == (places["board"], "board_member", "3")
    assert barrett.term_start == datetime.date(2025, 1, 1)
    florida = Official.objects.get(name="Rosie Cordero-Stutz")
    assert florida.agency.jurisdiction.fips == "12086" and florida.is_demo


def test_a_second_run_changes_nothing_and_a_blank_never_erases(tmp_path, places):
    run_import(tmp_path, GOOD)
    _, out, _ = run_import(tmp_path, GOOD)
    assert "created 0, updated 0, unchanged 3" in out and "Nothing changed" in out
    blanked = GOOD.replace("Democratic", "").replace("2028-11-07,yes", "2030-11-05,yes")
    _, out, _ = run_import(tmp_path, blanked)
    assert "updated 1, unchanged 2" in out
    labat = Official.objects.get(name="Pat Labat")
    assert labat.party == "Democratic" and labat.next_election == datetime.date(2030, 11, 5)
    assert Official.objects.count() == 3


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_load(tmp_path, places):
    body = (
        GOOD
        + "GA,13121,,,Emperor,Nobody,,,,,,,,,,,,,,\n"  # line 5
        + "GA,13121,,,sheriff,Late Date,,,,,,,2025-01-01,2028-13-40,,,,,,\n"  # 6
        + "GA,13121,,,sheriff,Backwards,,,,,,,2028-01-01,2025-01-01,,,,,,\n"  # 7
        + "ZZ,,,,sheriff,Nowhere,,,,,,,,,,,,,,\n"  # 8
        + "GA,,Atlantis,,sheriff,Lost,,,,,,,,,,,,,,\n"  # 9
        + "GA,13121,,,sheriff,Pat Labat,,,,,,,,,,,,,,\n"  # 10: twice in one file
        + "FL,12001,,,district attorney,No Office,,,,,,,,,,,,,,\n"  # 11: no DA's office recorded
        + "GA,13121,,,sheriff,Bad Mail,,,,nobody-at-example,,not a url,,,,,,,,\n"  # 12: loads, fields dropped
        + "GA,13121,,,sheriff,,,,,,,,,,,,,,,\n"  # 13
        + "GA,13121,,,sheriff,Maybe,,,,,,,,,,perhaps,,,,\n"  # 14
    )
    path, out, err = run_import(tmp_path, body)
    assert "created 4" in out and "rejected 9" in out
    for line, reason in [
        (5, "office 'Emperor' is not one of sheriff, board_member"),
        (6, "term_end '2028-13-40' is not a date"),
        (7, "term_end 2025-01-01 is before term_start 2028-01-01"),
        (8, "unknown state"),
        (9, "county 'Atlantis' not found in GA"),
        (10, "Pat Labat (Sheriff) is the same official as the row at line 2"),
        (11, "no agency of Alachua County is recorded for District attorney; name it in the agency column"),
        (13, "name is blank"),
        (14, "in_office 'perhaps' is not yes/no"),
    ]:
        assert f"{path}:{line}: {reason}" in err, (line, err)
    assert f"{path}:12: email 'nobody-at-example' is not an email address; left blank" in err
    assert f"{path}:12: website 'not a url' is not a web address; left blank" in err
    bad_mail = Official.objects.get(name="Bad Mail")
    assert bad_mail.email == "" and bad_mail.website == ""


def test_import_names_an_agency_or_refuses_a_county_with_several(tmp_path, places, fulton):
    factories.AgencyFactory(jurisdiction=fulton, kind=Agency.Kind.BOARD, name="Fulton County Board of Health")
    body = (
        "GA,13121,,,commissioner,Ambiguous,,,,,,,,,,,,,,\n"
        "GA,13121,,Fulton County Commission,commissioner,Named,,,,,,,,,,,,,,\n"
        "GA,13121,,Fulton County District Attorney,district attorney,Fani Willis,,,,,,,,,,,,,,\n"
    )
    path, out, err = run_import(tmp_path, body)
    assert f"{path}:2: Fulton County has several agencies for Board member" in err
    assert Official.objects.get(name="Named").agency == places["board"]
    willis = Official.objects.get(name="Fani Willis")
    assert (willis.agency.name, willis.agency.kind) == ("Fulton County District Attorney", "district_attorney")


def test_import_without_required_columns_says_which(tmp_path, places):
    path = Path(tmp_path) / "bad.csv"
    path.write_text("state,name\nGA,Someone\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="missing column"):
        call_command("import_officials", str(path), stdout=io.StringIO(), stderr=io.StringIO())


# --- demo officials -------------------------------------------------------------------------------------


def test_election_days_are_the_tuesday_after_the_first_monday_of_november():
    assert election_day(2026) == datetime.date(2026, 11, 3)
    assert election_day(2028) == datetime.date(2028, 11, 7)
    assert election_day(2027) == datetime.date(2027, 11, 2)
    assert next_election_day(TODAY) == datetime.date(2027, 11, 2)
    assert next_election_day(TODAY, every=4, cycle_year=2022) == datetime.date(2030, 11, 5)


def test_demo_sheriffs_fill_the_offices_of_the_contacts_file_once(georgia, fulton):
    contacts = factories.AgencyFactory(jurisdiction=fulton, sources="sheriff-contacts", phone="404-555-0100")
    taken = factories.AgencyFactory(
        jurisdiction=factories.JurisdictionFactory(state=georgia, fips="13089"), sources="sheriff-contacts, fbi-cde"
    )
    factories.OfficialFactory(agency=taken, office=Office.SHERIFF)
    factories.AgencyFactory(jurisdiction=factories.JurisdictionFactory(state=georgia, fips="13067"), sources="fbi-cde")
    assert seed_officials_demo(io.StringIO()) == 1
    demo = Official.objects.get(is_demo=True)
    assert demo.agency == contacts and demo.name.endswith("(demo)")
    assert demo.next_election == datetime.date(2028, 11, 7) and demo.term_end == datetime.date(2028, 11, 30)
    assert "Demo data" in demo.source
    assert seed_officials_demo(io.StringIO()) == 0


def test_the_real_contacts_file_gives_each_office_a_demo_sheriff(tmp_path):
    data = Path(settings.SHARED_DATA_DIR)
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("import_jurisdictions", str(data / "us_states.csv"), **quiet)
    call_command("import_jurisdictions", str(data / "us_counties.csv"), **quiet)
    call_command("import_agencies", "--contacts", str(data / "sheriff_office_contacts_FL_GA_NC_TN.csv"), **quiet)
    assert seed_officials_demo(io.StringIO()) == 398
    assert Official.objects.filter(is_demo=True, office=Office.SHERIFF).values("agency").distinct().count() == 398
