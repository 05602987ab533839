"""Letters from sample-letter templates: merge fields, editing, status, .docx and PDF downloads."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from campaigns import services
from campaigns.models import Deadline, Goal, Letter
from jurisdictions.models import Agency
from resources.models import Kind, Resource
from tests import factories as f

pytestmark = pytest.mark.django_db

TEMPLATE = (
    "{{ date }}\n\n{{ official }}\n{{ title }}, {{ agency }}\n\nDear {{ official }},\n\n"
    "We write for {{ campaign }} about the jail in {{ jurisdiction }}.\n\nSincerely,\n{{ sender }}"
)


@pytest.fixture
def campaign(organizer, staff):
    return services.campaign_create(
        user=staff,
        name="End holds in Hotel County",
        jurisdiction=f.JurisdictionFactory(name="Hotel County"),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
    )


@pytest.fixture
def sample():
    return f.ResourceFactory(title="Letter to the board", kind=Kind.SAMPLE_LETTER, url="", template_body=TEMPLATE)


@pytest.fixture
def board_members(campaign, organizer):
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Hotel Board")
    return [
        services.target_add(
            campaign=campaign,
            user=organizer,
            official=f.OfficialFactory(agency=board, name=name, title=f"Supervisor, District {i}"),
        )
        for i, name in enumerate(["Ana Ortiz", "Ben Cole"], start=1)
    ]


@pytest.fixture
def letter(campaign, organizer, sample, board_members):
    return services.letter_create(
        campaign=campaign,
        user=organizer,
        template=sample,
        recipients=board_members[:1],
        sender="Hotel County Rapid Response",
        letter_date=date(2026, 11, 2),
    )


# --- services ------------------------------------------------------------------------------------


def test_letter_fills_every_merge_field(letter):
    text = services.letter_render(letter)
    assert text.startswith("November 2, 2026\n\nAna Ortiz\nSupervisor, District 1, Hotel Board")
    assert "Dear Ana Ortiz," in text
    assert "We write for End holds in Hotel County about the jail in Hotel County." in text
    assert text.endswith("Sincerely,\nHotel County Rapid Response")
    assert "{{" not in text


def test_several_recipients_are_named_together(letter, board_members):
    letter.recipients.set(board_members)
    text = services.letter_render(letter)
    assert "Dear Ana Ortiz and Ben Cole," in text
    assert "Members, Hotel Board" in text


def test_letter_in_spanish_spells_the_date_the_spanish_way(letter):
    from django.utils import translation

    with translation.override("es"):
        assert services.letter_render(letter).startswith("2 de noviembre de 2026")


def test_unknown_merge_field_is_refused(letter, organizer, board_members):
    with pytest.raises(ValidationError) as excinfo:
        services.letter_update(
            letter=letter,
            user=organizer,
            recipients=board_members,
            sender="x",
            letter_date=date(2026, 11, 2),
            subject="s",
            body="Dear {{ oficial }},",
        )
    assert "body" in excinfo.value.message_dict
    letter.refresh_from_db()
    assert letter.body.startswith("{{ date }}")


def test_only_approved_sample_letters_with_a_template(campaign, organizer, board_members):
    for template in (
        f.ResourceFactory(kind=Kind.FACT_SHEET),
        f.ResourceFactory(kind=Kind.SAMPLE_LETTER, status=Resource.Status.SUGGESTED, template_body=TEMPLATE),
    ):
        with pytest.raises(ValidationError):
            services.letter_create(
                campaign=campaign, user=organizer, template=template, recipients=board_members, sender="x"
            )
    assert not Letter.objects.exists()


def test_status_sent_with_expected_answer_then_answered(letter, organizer):
    today = timezone.localdate()
    services.letter_set_status(
        letter=letter, user=organizer, status="sent", sent_on=today, expect_answer_by=today + timedelta(days=14)
    )
    deadline = Deadline.objects.get(letter=letter)
    assert (deadline.status, deadline.due_date) == (Deadline.Status.OPEN, today + timedelta(days=14))
    services.letter_set_status(letter=letter, user=organizer, status="answered", answered_on=today)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.DONE
    letter.refresh_from_db()
    assert (letter.status, letter.sent_on, letter.answered_on) == ("answered", today, today)


# --- pages ---------------------------------------------------------------------------------------


def _urls(campaign, letter):
    return [
        reverse("campaigns:letter-new", args=[campaign.pk]),
        reverse("campaigns:letter-detail", args=[campaign.pk, letter.pk]),
        reverse("campaigns:letter-edit", args=[campaign.pk, letter.pk]),
        reverse("campaigns:letter-docx", args=[campaign.pk, letter.pk]),
        reverse("campaigns:letter-pdf", args=[campaign.pk, letter.pk]),
    ]


def test_letter_pages_access_matrix(client, campaign, letter, organizer, other_organizer, staff, admin):
    for url in _urls(campaign, letter):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
        for user, expected in ((organizer, 200), (other_organizer, 404), (staff, 200), (admin, 200)):
            client.force_login(user)
            assert client.get(url).status_code == expected, (url, user.username)


def test_letter_of_another_campaign_is_404(client, campaign, organizer):
    other = f.CampaignFactory()
    stranger = Letter.objects.create(campaign=other, subject="s", sender="x", body="b")
    client.force_login(organizer)
    for url in _urls(campaign, stranger)[1:]:
        assert client.get(url).status_code == 404


def test_draft_a_letter_from_the_page(client, campaign, organizer, sample, board_members):
    client.force_login(organizer)
    response = client.post(
        reverse("campaigns:letter-new", args=[campaign.pk]),
        {
            "template": sample.pk,
            "recipients": [t.pk for t in board_members],
            "sender": "Coalition",
            "letter_date": "2026-11-02",
            "subject": "",
        },
    )
    letter = Letter.objects.get()
    assert response.url == reverse("campaigns:letter-edit", args=[campaign.pk, letter.pk])
    assert letter.subject == "Letter to the board"
    assert set(letter.recipients.all()) == set(board_members)


@pytest.mark.parametrize("bad", ["fact_sheet", "missing", "stranger", "no_recipient", "bad_date", "no_sender"])
def test_bad_new_letter_is_a_form_error(client, campaign, organizer, sample, board_members, bad):
    data = {
        "template": sample.pk,
        "recipients": [board_members[0].pk],
        "sender": "Coalition",
        "letter_date": "2026-11-02",
    }
    if bad == "fact_sheet":
        data["template"] = f.ResourceFactory(kind=Kind.FACT_SHEET).pk
    elif bad == "missing":
        data["template"] = "999999"
    elif bad == "stranger":
        data["recipients"] = [f.TargetFactory().pk]
    elif bad == "no_recipient":
        data["recipients"] = []
    elif bad == "bad_date":
        data["letter_date"] = "2026-02-30"
    else:
        data["sender"] = ""
    client.force_login(organizer)
    response = client.post(reverse("campaigns:letter-new", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Letter.objects.exists()


def _edit_data(letter, board_members, **overrides):
    return {
        "recipients": [t.pk for t in board_members],
        "sender": "Coalition",
        "letter_date": "2026-11-03",
        "subject": "Please end holds",
        "body": letter.body,
        **overrides,
    }


def test_edit_letter_keeps_merge_fields_and_normalizes_line_ends(client, campaign, letter, organizer, board_members):
    client.force_login(organizer)
    body = letter.body.replace("\n", "\r\n") + "\r\n\r\nP.S. See you at the hearing."
    url = reverse("campaigns:letter-edit", args=[campaign.pk, letter.pk])
    assert client.post(url, _edit_data(letter, board_members, body=body)).status_code == 302
    letter.refresh_from_db()
    assert "\r" not in letter.body and "{{ official }}" in letter.body
    assert "Dear Ana Ortiz and Ben Cole," in services.letter_render(letter)


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": "Dear {{ oficial }},"},
        {"body": "Dear {{ official },"},
        {"body": ""},
        {"recipients": []},
        {"recipients": ["999999"]},
        {"letter_date": "1999-01-01"},
        {"subject": ""},
    ],
)
def test_bad_letter_edit_is_a_form_error_and_keeps_typing(
    client, campaign, letter, organizer, board_members, overrides
):
    client.force_login(organizer)
    url = reverse("campaigns:letter-edit", args=[campaign.pk, letter.pk])
    data = _edit_data(letter, board_members, **overrides)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    if overrides.get("body"):
        assert overrides["body"] in response.content.decode()
    letter.refresh_from_db()
    assert letter.subject == "Letter to the board"


@pytest.mark.parametrize(
    "data",
    [
        {"status": "sent"},
        {"status": "sent", "sent_on": "2099-01-01"},
        {"status": "answered", "sent_on": "2026-11-10", "answered_on": "2026-11-01"},
        {"status": "draft", "expect_answer_by": "2026-12-01"},
        {"status": "mailed"},
    ],
)
def test_bad_status_is_a_form_error(client, campaign, letter, organizer, data):
    client.force_login(organizer)
    response = client.post(reverse("campaigns:letter-detail", args=[campaign.pk, letter.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    letter.refresh_from_db()
    assert letter.status == "draft"
    assert not Deadline.objects.exists()


def test_docx_opens_and_holds_the_merged_text(client, campaign, letter, organizer):
    client.force_login(organizer)
    response = client.get(reverse("campaigns:letter-docx", args=[campaign.pk, letter.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Dear Ana Ortiz," in text
    assert "We write for End holds in Hotel County about the jail in Hotel County." in text
    assert "{{" not in text


def test_pdf_opens_and_holds_the_merged_text(client, campaign, letter, organizer):
    client.force_login(organizer)
    response = client.get(reverse("campaigns:letter-pdf", args=[campaign.pk, letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Dear Ana Ortiz," in text
    assert "We write for End holds in Hotel County about the jail in Hotel County." in text


def test_letters_join_the_timeline(client, campaign, letter, organizer):
    client.force_login(organizer)
    timeline = client.get(campaign.get_absolute_url(), {"kind": "letters"}).context["timeline"]
    assert [item.obj for item in timeline] == [letter]


def test_letter_detail_query_count_is_constant(client, campaign, letter, organizer, django_assert_num_queries):
    client.force_login(organizer)
    url = reverse("campaigns:letter-detail", args=[campaign.pk, letter.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    board = f.AgencyFactory(jurisdiction=campaign.jurisdiction, kind=Agency.Kind.BOARD, name="Big Board")
    letter.recipients.add(
        *[
            services.target_add(campaign=campaign, user=organizer, official=f.OfficialFactory(agency=board))
            for _ in range(49)
        ]
    )
    with django_assert_num_queries(len(small)):
        client.get(url)
