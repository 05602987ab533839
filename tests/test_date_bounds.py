"""Dates at the ends of the calendar (0001-01-01, 9999-12-31) in every date field of every form and filter,
web and API: a 400 or a form error, never a 500.

The web forms are found on the pages themselves: each date input of each form is sent at each end of the
calendar with the form's other fields as the page filled them."""

import lxml.html
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.test_api import build_world

pytestmark = pytest.mark.django_db

ENDS = ["0001-01-01", "9999-12-31"]


@pytest.fixture
def world(db):
    return build_world()


def pages(w):
    c = w.campaign.pk
    return [
        reverse("campaigns:new"),
        reverse("campaigns:edit", args=[c]),
        reverse("campaigns:stage", args=[c]),
        reverse("campaigns:deadline-new", args=[c]),
        reverse("campaigns:deadline-edit", args=[c, w.campaign.deadlines.get(title="Board vote").pk]),
        reverse("campaigns:meeting-new", args=[c]),
        reverse("campaigns:meeting-edit", args=[c, w.meeting.pk]),
        reverse("campaigns:request-new", args=[c]),
        reverse("campaigns:request-detail", args=[c, w.records_request.pk]),
        reverse("campaigns:letter-new", args=[c]),
        reverse("campaigns:letter-detail", args=[c, w.letter.pk]),
        reverse("campaigns:letter-edit", args=[c, w.letter.pk]),
        reverse("campaigns:meeting-list"),
        reverse("campaigns:deadline-list"),
        reverse("campaigns:request-list"),
        reverse("campaigns:assignment-list"),
        reverse("report-status"),
        reverse("report-campaign", args=[c]),
        reverse("resources:new"),
        reverse("resources:edit", args=[w.resource.pk]),
        reverse("jurisdictions:policy-new", args=[w.county.pk]),
        reverse("jurisdictions:official-edit", args=[w.sheriff.pk]),
    ]


def form_fields(form):
    """The values the browser would send for the form as the page drew it."""
    data = {}
    for field in form.inputs:
        name = field.name
        if not name or getattr(field, "type", "") in ("file", "submit", "button", "image"):
            continue
        if getattr(field, "type", "") in ("checkbox", "radio"):
            if field.checked:
                data.setdefault(name, []).append(field.value or "on")
            continue
        value = field.value
        if isinstance(value, lxml.html.MultipleSelectOptions):
            data[name] = list(value)
            continue
        if value is None and field.tag == "select":
            options = field.value_options
            value = next((option for option in options if option), "")
        data[name] = value or ""
    return data


def date_forms(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    document = lxml.html.fromstring(response.content.decode())
    for form in document.forms:
        # (A formset's template row, named __prefix__, is not sent as a form of its own.)
        names = [
            i.name for i in form.inputs if getattr(i, "type", "") == "date" and i.name and "__prefix__" not in i.name
        ]
        if names:
            yield form, names


def test_every_date_field_of_every_web_form_takes_the_ends_of_the_calendar(client, world):
    client.force_login(world.staff)
    tried = 0
    for path in pages(world):
        for form, names in date_forms(client, path):
            method = (form.method or "get").lower()
            action = form.action or path
            for name in names:
                for end in ENDS:
                    data = form_fields(form) | {name: end}
                    if method == "post":
                        response = client.post(action, data)
                        # Refused with a message on the form (200) or a 400; never saved.
                        assert response.status_code in (200, 400), (path, name, end, response.status_code)
                    else:
                        response = client.get(action, data)
                        assert response.status_code < 500, (path, name, end, response.status_code)
                    tried += 1
    assert tried >= 40, tried  # the forms were found: a page that lost its date inputs shows here


def test_a_date_at_the_end_of_the_calendar_is_refused_with_a_form_error(client, world):
    client.force_login(world.staff)
    path = reverse("campaigns:deadline-new", args=[world.campaign.pk])
    response = client.post(path, {"title": "Far away", "kind": "hearing", "due_date": "9999-12-31"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["due_date"]
    assert "Give a date between 1900-01-01 and " in errors["due_date"][0]
    assert not world.campaign.deadlines.filter(title="Far away").exists()


API_BODIES = [
    ("post", "campaigns/{c}/deadlines/", {"title": "T", "kind": "hearing", "due_date": "{d}"}),
    (
        "post",
        "campaigns/{c}/records-requests/",
        {"agencies": ["{agency}"], "subject": "S", "records_sought": "All.", "sent_on": "{d}"},
    ),
    ("post", "campaigns/", {"name": "N", "jurisdiction": "{county}", "goal": "end_holds", "started_on": "{d}"}),
    ("patch", "campaigns/{c}/", {"ended_on": "{d}"}),
    (
        "post",
        "jurisdictions/{county}/policy-records/",
        {"dimension": "holds", "value": "honors_all", "effective_date": "{d}", "source_url": "https://e.org/"},
    ),
    ("post", "resources/", {"title": "R", "kind": "fact_sheet", "published_on": "{d}", "url": "https://e.org/"}),
    ("get", "deadlines/?due_from={d}", None),
    ("get", "campaigns/{c}/deadlines/?due_to={d}", None),
]


def _fill(value, w, end):
    if isinstance(value, str):
        return value.format(c=w.campaign.pk, d=end, county=w.county.pk, agency=w.sheriff_office.pk)
    if isinstance(value, list):
        return [_fill(v, w, end) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, w, end) for k, v in value.items()}
    return value


@pytest.mark.parametrize("end", ENDS)
@pytest.mark.parametrize(("method", "path", "body"), API_BODIES)
def test_api_dates_at_the_ends_of_the_calendar_are_a_400_or_accepted(world, method, path, body, end):
    client = APIClient()
    client.force_authenticate(world.staff)
    url = "/api/" + _fill(path, world, end)
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, _fill(body, world, end), format="json")
    if body is None:  # a filter: no match, or a 400
        assert response.status_code in (200, 400), (method, url, response.status_code)
    else:  # a write: refused, with the field named
        assert response.status_code == 400, (method, url, response.status_code, response.content)
        assert response["Content-Type"].startswith("application/json")
        date_field = next(k for k, v in body.items() if v == "{d}")
        assert date_field in str(response.json()), response.json()
