"""The scheduled fetch of ICE's 287(g) lists, off by default, on files (file:// addresses), never the network."""

import importlib

import pytest
from django.core import mail

from config.settings import base
from core import roles
from jurisdictions import tasks
from jurisdictions.models import Agreement287g, ListFetchRefusal, ListSnapshot
from tests import factories as f
from tests.importer_fixtures import PARTICIPATING_XLSX, PENDING_XLSX, sheet_rows, write_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_member(db):
    return f.UserFactory(role=roles.STAFF, email="lead@example.org")


@pytest.fixture
def urls(settings):
    def point(participating="", pending=""):
        settings.ICE_287G_PARTICIPATING_URL = participating
        settings.ICE_287G_PENDING_URL = pending

    return point


def test_off_by_default_it_fetches_nothing(urls, all_counties):
    urls()
    assert tasks.fetch_ice_287g_lists() == {}
    assert not ListSnapshot.objects.exists()


def test_the_schedule_has_the_fetch_only_when_a_list_is_set(monkeypatch):
    assert "fetch-ice-287g" not in base.CELERY_BEAT_SCHEDULE
    monkeypatch.setenv("ICE_287G_PARTICIPATING_URL", "https://www.ice.gov/doclib/287g/participatingAgencies.xlsx")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.CELERY_BEAT_SCHEDULE["fetch-ice-287g"]["task"] == "jurisdictions.tasks.fetch_ice_287g_lists"
    finally:
        monkeypatch.delenv("ICE_287G_PARTICIPATING_URL")
        importlib.reload(base)


def test_both_lists_are_fetched_and_imported(urls, all_counties, staff_member):
    urls(PARTICIPATING_XLSX.as_uri(), PENDING_XLSX.as_uri())
    assert tasks.fetch_ice_287g_lists() == {"participating": "imported", "pending": "imported"}
    assert Agreement287g.objects.filter(status="active").count() == 832
    assert set(ListSnapshot.objects.values_list("kind", "row_count")) == {("participating", 832), ("pending", 26)}
    # The same files on the next tick change nothing and tell nobody.
    assert tasks.fetch_ice_287g_lists() == {"participating": "imported", "pending": "imported"}
    assert ListSnapshot.objects.count() == 2
    assert not mail.outbox


def test_an_address_without_a_date_is_the_list_of_the_day(urls, tmp_path, counties_of, staff_member):
    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    path = write_sheet(tmp_path / "participatingAgencies.xlsx", header, [r for r in rows if r[0][0] == "ALABAMA"])
    urls(path.as_uri())
    assert tasks.fetch_ice_287g_lists() == {"participating": "imported"}
    assert ListSnapshot.objects.get().list_date is not None


def test_an_html_page_is_refused_and_staff_are_emailed_once(urls, tmp_path, all_counties, staff_member):
    page = tmp_path / "participatingAgencies07212025am.xlsx"
    page.write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    urls(page.as_uri())
    assert tasks.fetch_ice_287g_lists() == {"participating": "refused"}
    (message,) = mail.outbox
    assert message.to == ["lead@example.org"]
    assert "was not imported" in message.subject
    assert "web page (HTML), not a spreadsheet" in message.body
    assert not ListSnapshot.objects.exists()
    tasks.fetch_ice_287g_lists()
    assert len(mail.outbox) == 1
    assert ListFetchRefusal.objects.get().times == 2


def test_a_truncated_list_is_refused_and_changes_nothing(urls, tmp_path, counties_of, staff_member):
    counties_of("AL")
    header, rows = sheet_rows(PARTICIPATING_XLSX)
    alabama = [r for r in rows if r[0][0] == "ALABAMA"]
    urls(write_sheet(tmp_path / "participatingAgencies07182025pm.xlsx", header, alabama).as_uri())
    tasks.fetch_ice_287g_lists()
    urls(write_sheet(tmp_path / "participatingAgencies07252025pm.xlsx", header, alabama[:3]).as_uri())
    assert tasks.fetch_ice_287g_lists() == {"participating": "refused"}
    (message,) = mail.outbox
    assert "would end" in message.body and "--force" in message.body
    assert Agreement287g.objects.filter(status="active").count() == len(alabama)


def test_a_download_that_fails_is_emailed(urls, tmp_path, staff_member):
    urls((tmp_path / "missing" / "participatingAgencies07182025pm.xlsx").as_uri())
    assert tasks.fetch_ice_287g_lists() == {"participating": "refused"}
    (message,) = mail.outbox
    assert "could not be downloaded" in message.body
