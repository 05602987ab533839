"""Exports of every list as CSV and XLSX: the page's filters and access, no notes, formula-safe, streamed."""

import csv
import io
import zipfile
from datetime import time, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl.xml.constants import SHEET_MAIN_NS

from campaigns.models import Answer, Assignment, Deadline
from core import cells
from dashboard import exports
from jurisdictions.models import PolicyLevel
from resources.models import Resource
from tests import factories as f

pytestmark = pytest.mark.django_db

LISTS = ["campaigns", "meetings", "deadlines", "requests", "jurisdictions", "resources", "assignments"]
CAMPAIGN_LISTS = ["campaigns", "meetings", "deadlines", "requests", "assignments"]


def url(name, fmt="csv"):
    return reverse("export", args=[name, fmt])


def body(response):
    # The test client closes a streamed response once its content is read (as a server would).
    return b"".join(response.streaming_content)


def csv_rows(response):
    assert response.status_code == 200, response.content if not response.streaming else ""
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows


def rows_of(client, name, fmt="csv", **params):
    response = client.get(url(name, fmt), params)
    return csv_rows(response) if fmt == "csv" else xlsx_rows(response)


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


SECRET = "Confidential: sheriff's deputy tipped us off"
COMMUNITY_NAME = "Rosa Community-Member"


@pytest.fixture
def world(organizer, other_organizer, staff):
    """A campaign the organizer is on, and one they are not on, each with a row in every list."""
    resource = f.ResourceFactory(title="Detainer fact sheet")
    data = {}
    for key, member, name in (("mine", organizer, "Mine: Alameda"), ("theirs", other_organizer, "Theirs: Cobb")):
        campaign = f.CampaignFactory(name=name, lead=staff, board_seats=5)
        f.MembershipFactory(campaign=campaign, user=member)
        meeting = f.MeetingFactory(
            campaign=campaign,
            logged_by=member,
            summary=f"Met the sheriff with {COMMUNITY_NAME}.",
            attendees=COMMUNITY_NAME,
            commitments="Will stop honoring holds.",
            confidential_notes=SECRET,
        )
        Answer.objects.create(
            meeting=meeting, question_text="Do you honor holds?", text=f"{COMMUNITY_NAME} asked", assessment="evasive"
        )
        deadline = f.DeadlineFactory(campaign=campaign, owner=member, title=f"{name} deadline", note=SECRET)
        request = f.RecordsRequestFactory(campaign=campaign, subject=f"{name} request", response_note=SECRET)
        assignment = Assignment.objects.create(resource=resource, campaign=campaign, note=SECRET, assigned_by=staff)
        data[key] = {
            "campaign": campaign,
            "meeting": meeting,
            "deadline": deadline,
            "request": request,
            "assignment": assignment,
        }
    return data


# --- contents ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", LISTS)
def test_every_list_exports_with_a_header_and_its_rows(client, staff, world, name, fmt):
    client.force_login(staff)
    rows = rows_of(client, name, fmt)
    spec = exports.export_specs()[name]
    assert rows[0] == exports.headers(spec)
    assert len(rows) > 1
    response = client.get(url(name, fmt))
    assert f'filename="{name}-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body(response)


def test_campaign_export_has_the_status_columns(client, staff, world):
    campaign = world["mine"]["campaign"]
    f.TargetFactory(campaign=campaign, votes=True, stance="champion")
    f.TargetFactory(campaign=campaign, votes=True, stance="opposed")
    f.DeadlineFactory(campaign=campaign, due_date=timezone.localdate() - timedelta(days=3))
    client.force_login(staff)
    rows = rows_of(client, "campaigns", "xlsx")
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == campaign.pk), strict=True))
    assert row["Campaign"] == "Mine: Alameda"
    assert row["State"] == "QC"
    assert row["Stage"] == "Research"
    assert row["Goal"] == "End ICE holds (detainers)"
    assert row["Overdue deadlines"] == 1
    assert (row["Seats on the deciding body"], row["Votes for"], row["Votes against"]) == (5, 1, 1)
    assert row["Lead"] == staff.get_full_name()
    assert row["Page"].endswith(f"/campaigns/{campaign.pk}/")
    assert row["Next deadline"] is not None  # a real date cell


def test_xlsx_cells_are_typed(client, staff, world):
    deadline = world["mine"]["deadline"]
    client.force_login(staff)
    rows = rows_of(client, "deadlines", "xlsx")
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == deadline.pk), strict=True))
    assert row["Due date"].date() == deadline.due_date
    assert row["Kind"] == "Follow-up"
    assert row["Overdue"] == "no"


def test_jurisdiction_export_labels_policy_values(client, staff):
    f.JurisdictionFactory(name="Alpha County", level=PolicyLevel.COMPLIES, current_holds="honors_all")
    client.force_login(staff)
    rows = rows_of(client, "jurisdictions")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Overall level"] == "Complies with ICE holds"
    assert row["ICE holds"] == "Honors all"


# --- the page's filters and order ----------------------------------------------------------------


def test_exports_follow_the_pages_filters(client, staff, world):
    done = world["mine"]["deadline"]
    Deadline.objects.filter(pk=done.pk).update(status=Deadline.Status.DONE, completed_at=timezone.now())
    client.force_login(staff)
    titles = column(rows_of(client, "deadlines", status="done"), "Deadline")
    assert titles == [done.title]
    names = column(rows_of(client, "campaigns", q="Cobb"), "Campaign")
    assert names == ["Theirs: Cobb"]
    subjects = column(rows_of(client, "requests", q="Alameda"), "Subject")
    assert subjects == ["Mine: Alameda request"]


def test_campaign_export_follows_the_lists_sort(client, staff):
    for name in ("Bravo", "Alpha", "Charlie"):
        f.CampaignFactory(name=name)
    client.force_login(staff)
    assert column(rows_of(client, "campaigns", sort="name"), "Campaign") == ["Alpha", "Bravo", "Charlie"]
    assert column(rows_of(client, "campaigns", sort="-name"), "Campaign") == ["Charlie", "Bravo", "Alpha"]


def test_the_page_and_its_export_list_the_same_rows(client, staff, world):
    client.force_login(staff)
    params = {"state": "qc", "kind": "follow_up"}
    page = client.get(reverse("campaigns:deadline-list"), params).content.decode()
    exported = column(rows_of(client, "deadlines", **params), "ID")
    assert sorted(exported, key=int) == sorted(
        [str(pk) for pk in Deadline.objects.values_list("pk", flat=True)], key=int
    )
    for pk in exported:
        assert f'data-deadline="{pk}"' in page


def test_jurisdiction_and_resource_exports_use_their_filters(client, staff):
    f.JurisdictionFactory(name="Big County", population=900_000)
    f.JurisdictionFactory(name="Small County", population=9_000)
    f.ResourceFactory(title="Holds explainer", kind="faq")
    f.ResourceFactory(title="Board letter", kind="sample_letter")
    client.force_login(staff)
    assert column(rows_of(client, "jurisdictions", population_min=100_000), "Name") == ["Big County"]
    assert column(rows_of(client, "resources", kind="faq"), "Title") == ["Holds explainer"]
    assert column(rows_of(client, "resources", q="holds"), "Title") == ["Holds explainer"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("campaigns", {"stage": "nope"}),
        ("campaigns", {"state": "ZZ"}),
        ("campaigns", {"lead": "abc"}),
        ("meetings", {"held_from": "yesterday"}),
        ("deadlines", {"due_from": "2026-13-45"}),
        ("deadlines", {"campaign": "abc"}),
        ("requests", {"status": "lost"}),
        ("assignments", {"assigned_to": "soon"}),
        ("jurisdictions", {"population_min": "many"}),
        ("resources", {"year": "1e3"}),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_filter_values_answer_400(client, staff, world, name, params, fmt):
    client.force_login(staff)
    response = client.get(url(name, fmt), params)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_unknown_values_of_harmless_parameters_are_ignored(client, staff, world):
    client.force_login(staff)
    rows = rows_of(client, "campaigns", sort="bogus", page="x", per_page="-1")
    assert len(rows) == 3


def test_unknown_list_or_format_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/exports/secrets.csv").status_code == 404
    assert client.get("/exports/campaigns.pdf").status_code == 404


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", CAMPAIGN_LISTS)
def test_organizer_exports_only_their_campaigns_rows(client, organizer, world, name, fmt):
    client.force_login(organizer)
    rows = rows_of(client, name, fmt)
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "Mine: Alameda" in flat
    assert "Theirs: Cobb" not in flat
    assert len(rows) == 2


@pytest.mark.parametrize("name", CAMPAIGN_LISTS)
def test_someone_elses_campaign_id_in_the_filters_exports_nothing(client, organizer, world, name):
    client.force_login(organizer)
    theirs = world["theirs"]["campaign"]
    params = {"q": "Cobb"} if name == "campaigns" else {"campaign": theirs.pk}
    rows = rows_of(client, name, **params)
    assert rows[1:] == []


@pytest.mark.parametrize("name", CAMPAIGN_LISTS)
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_jurisdictions_export_is_public_only_with_the_map(client):
    f.JurisdictionFactory()
    assert client.get(url("jurisdictions")).status_code == 302
    with override_settings(PUBLIC_MAP=True):
        assert len(rows_of(client, "jurisdictions")) == 2


def test_anonymous_resource_export_has_public_resources_only(client, organizer):
    f.ResourceFactory(title="Public handout", is_public=True)
    f.ResourceFactory(title="Members only")
    f.ResourceFactory(title="A suggestion", status=Resource.Status.SUGGESTED, is_public=True)
    assert column(rows_of(client, "resources"), "Title") == ["Public handout"]
    client.force_login(organizer)
    assert sorted(column(rows_of(client, "resources"), "Title")) == ["Members only", "Public handout"]


# --- confidentiality -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", CAMPAIGN_LISTS)
def test_no_notes_or_community_names_are_ever_exported(client, admin, world, name, fmt):
    client.force_login(admin)  # even for those who may read the confidential notes
    rows = rows_of(client, name, fmt)
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert SECRET not in flat
    assert COMMUNITY_NAME not in flat
    assert "Will stop honoring holds" not in flat


def test_meeting_export_keeps_counts_not_text(client, staff, world):
    client.force_login(staff)
    rows = rows_of(client, "meetings", "xlsx")
    meeting = world["mine"]["meeting"]
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == meeting.pk), strict=True))
    assert row["Evasive answers"] == 1
    assert row["Questions answered"] == 1
    assert not any("Summary" in h or "Attendees" in h or "notes" in h.lower() for h in rows[0])


# --- formula injection ---------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_that_look_like_formulas_are_escaped(client, staff, world, fmt):
    campaign = world["mine"]["campaign"]
    for title in FORMULAS:
        f.DeadlineFactory(campaign=campaign, title=title)
    client.force_login(staff)
    titles = column(rows_of(client, "deadlines", fmt, q=""), "Deadline")
    for title in FORMULAS:
        assert "'" + title in titles
    for value in titles:
        assert not str(value).startswith(cells.FORMULA_STARTS)


def test_xlsx_never_stores_a_formula(client, staff, world):
    f.DeadlineFactory(campaign=world["mine"]["campaign"], title="=1+1")
    client.force_login(staff)
    response = client.get(url("deadlines", "xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert "'=1+1" in [cell.value for cell in cells]


def test_escape_formula_leaves_ordinary_values_alone():
    assert exports.escape_formula("Alameda") == "Alameda"
    assert exports.escape_formula(-5) == -5
    assert exports.escape_formula("") == ""
    assert exports.escape_formula("=A1") == "'=A1"


# --- list pages across campaigns -----------------------------------------------------------------

PAGES = ["campaigns:meeting-list", "campaigns:deadline-list", "campaigns:request-list", "campaigns:assignment-list"]


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_show_the_organizers_rows_only(client, organizer, world, page):
    client.force_login(organizer)
    response = client.get(reverse(page))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mine: Alameda" in content
    assert "Theirs: Cobb" not in content
    assert 'data-export="csv"' in content


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_need_sign_in(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_answer_400_to_bad_filters(client, staff, page):
    client.force_login(staff)
    response = client.get(reverse(page), {"state": "ZZ", "campaign": "x"})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_export_links_carry_the_current_filters(client, staff, world):
    client.force_login(staff)
    content = client.get(reverse("campaigns:deadline-list"), {"status": "open", "q": "Alameda"}).content.decode()
    assert 'href="/exports/deadlines.csv?status=open&amp;q=Alameda"' in content
    assert 'href="/exports/deadlines.xlsx?status=open&amp;q=Alameda"' in content


def grow_lists(n, campaign, user):
    resource = f.ResourceFactory()
    for i in range(n):
        meeting = f.MeetingFactory(campaign=campaign, logged_by=user)
        meeting.targets.add(f.TargetFactory(campaign=campaign))
        f.DeadlineFactory(campaign=campaign, owner=user, meeting=meeting)
        f.RecordsRequestFactory(campaign=campaign)
        Assignment.objects.create(resource=f.ResourceFactory() if i else resource, campaign=campaign, note="n")


@pytest.mark.parametrize("page", PAGES)
def test_list_page_queries_do_not_grow(client, organizer, world, page):
    client.force_login(organizer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(page)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    grow_lists(30, world["mine"]["campaign"], organizer)
    assert count() == small


@pytest.mark.parametrize("name", LISTS)
def test_export_queries_do_not_grow(client, staff, world, name):
    client.force_login(staff)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            body(client.get(url(name, "xlsx")))
        return len(ctx.captured_queries)

    small = count()
    grow_lists(20, world["mine"]["campaign"], staff)
    for _ in range(20):
        f.CampaignFactory()
        f.JurisdictionFactory()
    assert count() == small


# --- memory ----------------------------------------------------------------------------------------

MANY = 10_000
CHUNK = 500  # rows read from the database at a time in this test, so what does not grow is small
# What an export may trace, whatever its number of rows. Measured with 10,000 rows: about 1.2 MB (a
# chunk of rows from the database, what is made of it, a batch of the file). The same rows kept in a
# list peak at about 8 MB, kept as the CSV's text at about 7 MB, as the worksheet's XML at about 21 MB.
MEMORY_BOUND = 4 * 1024 * 1024


@pytest.fixture
def many_deadlines(organizer, staff):
    campaign = f.CampaignFactory(name="Big campaign", lead=staff)
    f.MembershipFactory(campaign=campaign, user=organizer)
    today = timezone.localdate()
    closed = timezone.now() - timedelta(days=1)
    Deadline.objects.bulk_create(
        (
            Deadline(
                campaign=campaign,
                title=f"=Deadline number {i}" if i % 1000 == 0 else f"Deadline number {i}",
                kind=Deadline.Kind.FOLLOW_UP,
                due_date=today + timedelta(days=i % 365),
                due_time=time(9 + i % 8, 30) if i % 2 else None,
                status=Deadline.Status.DONE if i % 10 == 0 else Deadline.Status.OPEN,
                completed_at=closed if i % 10 == 0 else None,
                owner=organizer,
            )
            for i in range(MANY)
        ),
        batch_size=5000,
    )
    return campaign


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_many_rows_runs_in_bounded_memory(client, organizer, many_deadlines, monkeypatch, tmp_path, fmt):
    import tracemalloc

    # The workbook goes to disk at once: what is traced is the export's own memory, not the spool's.
    monkeypatch.setattr(exports.writing, "XLSX_SPOOL_BYTES", 64 * 1024)
    monkeypatch.setattr(exports.writing, "CHUNK_SIZE", CHUNK)
    client.force_login(organizer)
    # The first export in a process imports and caches what every later one reuses: an empty one.
    assert body(client.get(url("deadlines", fmt), {"kind": Deadline.Kind.HEARING}))
    saved = tmp_path / f"deadlines.{fmt}"
    tracemalloc.start()
    try:
        response = client.get(url("deadlines", fmt))
        with saved.open("wb") as sink:
            for piece in response.streaming_content:
                sink.write(piece)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n{fmt}: {MANY} rows, {saved.stat().st_size / 1e6:.1f} MB, peak {peak / 1e6:.1f} MB traced")
    assert peak < MEMORY_BOUND
    if fmt == "csv":
        with saved.open(encoding="utf-8-sig", newline="") as text:
            rows = list(csv.reader(text))[1:]
        titles = [row[1] for row in rows]
    else:
        # The worksheet's XML read as it comes (openpyxl would take seconds): the titles of column B.
        titles = []
        with zipfile.ZipFile(saved) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
            for _event, cell in etree.iterparse(sheet, tag=f"{{{SHEET_MAIN_NS}}}c"):
                if cell.get("r").startswith("B") and cell.get("r") != "B1":
                    titles.append(cell.findtext(f"{{{SHEET_MAIN_NS}}}is/{{{SHEET_MAIN_NS}}}t"))
                cell.clear()
    assert len(titles) == MANY
    assert sum(title.startswith("'=") for title in titles) == MANY // 1000


def test_export_reads_rows_in_chunks(client, staff, monkeypatch, world):
    """The rows come through QuerySet.iterator with a bounded chunk size, never all at once."""
    from django.db.models.query import QuerySet

    seen = []
    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        seen.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    client.force_login(staff)
    for name in LISTS:
        body(client.get(url(name)))
    assert seen == [exports.CHUNK_SIZE] * len(LISTS)


def test_every_list_has_an_export():
    assert set(exports.export_specs()) == set(LISTS)


@pytest.mark.parametrize(
    ("page", "name", "query"),
    [
        ("campaigns:list", "campaigns", "stage=research"),
        ("jurisdictions:list", "jurisdictions", "state=QC"),
        ("resources:list", "resources", "kind=faq"),
    ],
)
def test_list_pages_link_their_exports_with_the_current_filters(client, staff, world, page, name, query):
    client.force_login(staff)
    content = client.get(f"{reverse(page)}?{query}").content.decode()
    assert f'href="/exports/{name}.csv?{query}"' in content
    assert f'href="/exports/{name}.xlsx?{query}"' in content
