"""import_policies (a coalition's county policy records, each with a source), the counts of sourced and demo
records on the map and the county list, and the DOJ list as the federal designation it is."""

import datetime

import pytest
from django.urls import reverse

from jurisdictions.models import FederalDesignation, Jurisdiction, PolicyLevel, PolicyRecord
from tests.importer_fixtures import DATA, run, write_rows

pytestmark = pytest.mark.django_db

DOJ = DATA / "doj_sanctuary_jurisdiction_list_2025-08-05.csv"
SOURCE = "https://www.example.org/coalition/alameda-sheriff-policy.pdf"


def row(**fields):
    base = {
        "county_fips": "06001",
        "dimension": "holds",
        "value": "honors_none",
        "effective_date": "2024-01-15",
        "source_url": SOURCE,
        "source_document": "",
        "note": "Sheriff's policy 410",
    }
    return base | fields


@pytest.fixture
def california(counties_of):
    counties_of("CA", "IL", "MD")


def test_policy_records_load_with_their_sources_and_set_the_level(tmp_path, california):
    path = write_rows(
        tmp_path / "coalition.csv",
        [
            row(),
            row(dimension="notifications", value="none"),
            row(dimension="jail_access", value="None"),
            row(county_fips="6075", dimension="ICE holds", value="Honors some", source_url="https://sf.example.org/"),
        ],
    )
    out, err = run("import_policies", path)
    assert "created 4, updated 0, unchanged 0, skipped 0, rejected 0" in out, err
    alameda = Jurisdiction.objects.get(fips="06001")
    assert alameda.level == PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS
    record = alameda.policy_records.get(dimension="holds")
    assert (record.source_url, record.note, record.is_demo) == (SOURCE, "Sheriff's policy 410", False)
    assert record.effective_date == datetime.date(2024, 1, 15)
    out, _ = run("import_policies", path)
    assert "created 0, updated 0, unchanged 4" in out and "Nothing changed" in out


def test_a_changed_value_is_updated(tmp_path, california):
    run("import_policies", write_rows(tmp_path / "coalition.csv", [row()]))
    out, _ = run("import_policies", write_rows(tmp_path / "coalition.csv", [row(value="honors_some")]))
    assert "updated 1" in out
    assert PolicyRecord.objects.get().value == "honors_some"


def test_a_source_document_next_to_the_csv_is_kept(tmp_path, california):
    (tmp_path / "policy-410.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    path = write_rows(tmp_path / "coalition.csv", [row(source_url="", source_document="policy-410.pdf")])
    out, err = run("import_policies", path)
    assert "created 1" in out, err
    assert PolicyRecord.objects.get().source_document.read() == b"%PDF-1.4\n%%EOF\n"
    out, _ = run("import_policies", path)
    assert "unchanged 1" in out


def test_each_bad_row_is_reported_and_the_good_rows_load(tmp_path, california):
    path = write_rows(
        tmp_path / "coalition.csv",
        [
            row(source_url=""),
            row(county_fips="99999"),
            row(dimension="287g"),
            row(value="honors_all", dimension="notifications"),
            row(effective_date="someday"),
            row(effective_date="2999-01-01"),
            row(source_url="", source_document="missing.pdf"),
            row(source_url="not a url"),
            row(),
        ],
    )
    out, err = run("import_policies", path)
    assert f"{path}:2: no source: give a source_url or a source_document" in err
    assert f"{path}:3: no county has FIPS '99999'" in err
    assert f"{path}:4: dimension '287g' is not holds" in err
    assert f"{path}:5: value 'honors_all' is not one of yes, limited, none for notifications" in err
    assert f"{path}:6: effective_date 'someday' is not a date" in err
    assert f"{path}:7: effective_date 2999-01-01 is in the future" in err
    assert f"{path}:8: source_document 'missing.pdf' is not a file next to the CSV" in err
    assert f"{path}:9: source_url 'not a url' is not a web address" in err
    assert "created 1, updated 0, unchanged 0, skipped 0, rejected 8" in out


def test_the_list_and_the_map_count_sourced_and_demo_records(client, organizer, tmp_path, california):
    run("import_policies", write_rows(tmp_path / "coalition.csv", [row()]))
    PolicyRecord.objects.create(
        jurisdiction=Jurisdiction.objects.get(fips="06075"),
        dimension="holds",
        value="honors_all",
        effective_date=datetime.date(2024, 1, 1),
        is_demo=True,
    )
    client.force_login(organizer)
    for url in (reverse("jurisdictions:list"), reverse("jurisdictions:map")):
        html = client.get(url).content.decode()
        assert "Policy records with a source: 1 counties." in " ".join(html.split())
        assert "Demo records only (made up for trying the site, not facts): 1 counties." in " ".join(html.split())


def test_the_doj_list_loads_as_federal_designations(california, client, organizer):
    out, err = run("import_doj_list", DOJ)
    assert "created 35, updated 0, unchanged 0, skipped 0, rejected 0" in out, err
    cook = FederalDesignation.objects.get(name="Cook County")
    assert cook.jurisdiction.fips == "17031" and cook.listed_on == datetime.date(2025, 8, 5)
    assert cook.source_url.startswith("https://www.justice.gov/")
    assert FederalDesignation.objects.filter(level="state").count() == 13
    assert not PolicyRecord.objects.exists()  # a designation is not a policy record
    out, _ = run("import_doj_list", DOJ)
    assert "unchanged 35" in out

    client.force_login(organizer)
    html = client.get(reverse("jurisdictions:detail", args=[cook.jurisdiction.pk])).content.decode()
    assert "Federal designations" in html
    assert "U.S. Department of Justice sanctuary jurisdiction list (Executive Order 14287)" in html
    assert "Illinois (the state)" in html and "Chicago (a city of the state)" in html


def test_a_county_not_named_shows_no_designation_of_its_own(california, client, organizer):
    run("import_doj_list", DOJ)
    client.force_login(organizer)
    anne_arundel = Jurisdiction.objects.get(fips="24003")
    html = client.get(reverse("jurisdictions:detail", args=[anne_arundel.pk])).content.decode()
    assert 'id="federal-designations"' not in html  # only Baltimore County is listed in Maryland
    baltimore = Jurisdiction.objects.get(fips="24005")
    assert (
        'id="federal-designations"' in client.get(reverse("jurisdictions:detail", args=[baltimore.pk])).content.decode()
    )


def test_the_judicial_warrant_answer_of_holds_records_is_read(tmp_path, california):
    path = write_rows(
        tmp_path / "warrants.csv",
        [
            row(judicial_warrant="yes"),
            row(county_fips="06075", value="honors_some", judicial_warrant="No"),
            row(county_fips="06085", value="honors_all", judicial_warrant=""),
            row(county_fips="06087", dimension="notifications", value="none", judicial_warrant="yes"),
            row(county_fips="06089", judicial_warrant="maybe"),
        ],
    )
    out, err = run("import_policies", path)
    assert "created 3, updated 0, unchanged 0, skipped 0, rejected 2" in out, (out, err)
    warrants = dict(PolicyRecord.objects.values_list("jurisdiction__fips", "judicial_warrant"))
    assert warrants == {"06001": True, "06075": False, "06085": None}
    assert "judicial_warrant is said of holds records only" in err
    assert "judicial_warrant 'maybe' is not yes, no or unknown" in err
    # San Francisco honors some holds without a judicial warrant: the map's Fourth Amendment layer marks it.
    assert Jurisdiction.objects.get(fips="06075").fourth_amendment_risk is True
    assert Jurisdiction.objects.get(fips="06001").fourth_amendment_risk is False
