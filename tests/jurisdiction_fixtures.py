"""What the jurisdiction page tests share: a state with a law, one of its counties, the map public or not,
media in a temporary folder, and helpers for addresses and query counts."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jurisdictions import services
from jurisdictions.models import (
    StateLaw,
)
from tests import factories

LIST = reverse("jurisdictions:list")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def detail_url(jurisdiction):
    return reverse("jurisdictions:detail", args=[jurisdiction.pk])


def form_url(jurisdiction):
    return reverse("jurisdictions:policy-new", args=[jurisdiction.pk])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


@pytest.fixture
def public_map(settings):
    settings.PUBLIC_MAP = True


@pytest.fixture
def private_map(settings):
    settings.PUBLIC_MAP = False


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def california(db):
    state = factories.StateFactory(name="California", postal="CA", fips="06")
    StateLaw.objects.create(
        state=state,
        title="California Values Act",
        citation="Cal. Gov. Code § 7284",
        effect="limits",
        enacted_year=2017,
        summary="Limits state and local cooperation with ICE.",
        source_url="https://leginfo.example.org/sb54",
    )
    services.states_refresh_floor(states=[state])
    state.refresh_from_db()
    return state


@pytest.fixture
def county(california):
    return factories.JurisdictionFactory(
        state=california, name="Alameda County", short_name="Alameda", fips="06001", population=1622188
    )


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["organizer", "staff", "admin"]
