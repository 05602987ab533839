"""Spanish wording: an English word that names two things gets the Spanish each place needs (gender, number,
"desde" for a date and "remitente" for a person), sentences are translated whole so the translation decides
word order and agreement, and the catalogue is complete and compiled."""

import ast
import gettext
import re
from datetime import date, time
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import Profile
from campaigns import services
from campaigns.forms.letters import LetterEditForm
from campaigns.models import Goal, QuestionSet, Stance
from core import roles
from dashboard.views import ReportRangeForm
from jurisdictions.models import Agency, Agreement287g, PolicyValue
from resources.models import Kind
from tests import factories as f

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django"


def in_spanish(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "es"
    return client


@pytest.fixture
def campaign(organizer, staff):
    return services.campaign_create(
        user=staff,
        name="End holds in Kilo County",
        jurisdiction=f.JurisdictionFactory(name="Kilo County"),
        goal=Goal.END_HOLDS,
        lead=staff,
        organizers=[organizer],
        board_seats=5,
    )


# --- one English word, two Spanish ones ----------------------------------------------------------


def test_other_agrees_with_what_it_names():
    assert str(Goal.OTHER.label) == str(Agency.Kind.OTHER.label) == str(QuestionSet.Kind.OTHER.label) == "Other"
    with translation.override("es"):
        assert str(Goal.OTHER.label) == "Otra"  # una meta
        assert str(Agency.Kind.OTHER.label) == "Otro"  # un tipo de agencia u órgano
        assert str(QuestionSet.Kind.OTHER.label) == "Otro tipo de reunión"


def test_goal_other_and_agency_kind_other_read_differently_on_their_pages(client, staff):
    jurisdiction = f.JurisdictionFactory(name="Lima County")
    f.AgencyFactory(jurisdiction=jurisdiction, kind=Agency.Kind.OTHER, name="Lima Jail Commission")
    client = in_spanish(client, staff)
    county = client.get(jurisdiction.get_absolute_url()).content.decode()
    assert 'Lima Jail Commission <span class="badge text-bg-light border fw-normal">Otro</span>' in county
    new_campaign = client.get(reverse("campaigns:new")).content.decode()
    assert re.search(r'<option value="other"[^>]*>Otra</option>', new_campaign)


def test_ended_is_a_campaign_date_on_a_campaign_and_a_status_on_an_agreement(client, staff, campaign):
    campaign.started_on, campaign.ended_on = date(2025, 6, 1), date(2026, 3, 5)
    campaign.save(update_fields=["started_on", "ended_on"])
    agency = f.AgencyFactory(jurisdiction=campaign.jurisdiction, name="Kilo Sheriff's Office")
    f.AgreementFactory(
        agency=agency, status=Agreement287g.Status.ENDED, signed_date=date(2019, 5, 2), end_date=date(2025, 1, 31)
    )
    client = in_spanish(client, staff)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert '<dt class="col-5">Fin</dt><dd class="col-7">5 Mar 2026</dd>' in page
    county = client.get(campaign.jurisdiction.get_absolute_url()).content.decode()
    assert ">Terminado</span>" in county
    assert "Terminado: 31/01/2025" in county


def test_from_and_to_are_people_on_a_letter_and_dates_on_a_report():
    with translation.override("es"):
        assert str(LetterEditForm.base_fields["recipients"].label) == "Destinatarios"
        assert str(LetterEditForm.base_fields["sender"].label) == "Remitente"
        assert str(ReportRangeForm.base_fields["start"].label) == "Desde"
        assert str(ReportRangeForm.base_fields["end"].label) == "Hasta"


def test_a_weekday_is_capitalized_as_a_choice_and_not_inside_a_date():
    with translation.override("es"):
        assert str(Profile.Weekday.MONDAY.label) == "Lunes"
        assert date_format(date(2026, 3, 16), "l j") == "lunes 16"


def test_a_limited_policy_reads_for_notifications_and_for_jail_access_alike():
    with translation.override("es"):
        assert str(PolicyValue.LIMITED.label) == "Con límites"


def test_lists_tell_the_status_from_the_us_state(client, organizer, campaign):
    f.DeadlineFactory(campaign=campaign)
    body = in_spanish(client, organizer).get(reverse("campaigns:deadline-list")).content.decode()
    labels = dict(re.findall(r'<label\s+for="id_(\w+)" class="form-label">\s*(.*?)\s*</label>', body))
    assert (labels["state"], labels["status"]) == ("Estado", "Situación")
    assert '<th scope="col">Situación</th>' in body


def test_the_campaign_list_counts_overdue_deadlines_in_the_plural(client, organizer, campaign):
    body = in_spanish(client, organizer).get(reverse("campaigns:list")).content.decode()
    assert re.search(r'<a class="link-dark" href="\?sort=overdue">Vencidos</a>', body)


@pytest.mark.parametrize(
    ("role", "spanish"), [(roles.ORGANIZER, "Organizador"), (roles.STAFF, "Personal"), (roles.ADMIN, "Administrador")]
)
def test_the_role_badge_names_the_person_s_role(client, role, spanish):
    user = f.UserFactory(role=role, username=f"badge-{role.lower()}")
    body = in_spanish(client, user).get(reverse("home")).content.decode()
    assert f'data-role="{role}">{spanish}</span>' in body


# --- whole sentences -----------------------------------------------------------------------------


def test_campaign_page_sentences_agree_in_spanish(client, organizer, campaign):
    ana = f.TargetFactory(campaign=campaign, name="Ana Ortiz", votes=True, stance=Stance.UNKNOWN)
    ben = f.TargetFactory(campaign=campaign, name="Ben Cole", votes=False)
    meeting = f.MeetingFactory(campaign=campaign)
    meeting.targets.set([ben, ana])
    sample = f.ResourceFactory(
        title="Letter to the board", kind=Kind.SAMPLE_LETTER, url="", template_body="Dear {{ official }},"
    )
    letter = services.letter_create(
        campaign=campaign,
        user=organizer,
        template=sample,
        recipients=[ana, ben],
        sender="Kilo Rapid Response",
        letter_date=date(2026, 11, 2),
    )
    client = in_spanish(client, organizer)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "</a> con Ana Ortiz, Ben Cole" in page
    assert "Dirigida a Ana Ortiz, Ben Cole" in page
    # One voter, undecided: the singular; none for or against: the plural.
    assert '<span class="badge text-bg-warning">1</span> indeciso o sin información' in page
    assert '<span class="badge text-bg-success">0</span> a favor' in page
    assert "Se necesitan 3 de 5 votos." in page
    assert "Marcar como hecho" not in page  # no open deadline yet
    detail = client.get(letter.get_absolute_url()).content.decode()
    assert "Dirigida a Ana Ortiz, Ben Cole · a partir de la carta modelo «Letter to the board»" in detail


def test_the_deadline_button_and_the_deadline_status_are_not_the_same_word(client, organizer, campaign):
    deadline = services.deadline_create(campaign=campaign, user=organizer, title="Call", due_date=date(2030, 1, 1))
    page = in_spanish(client, organizer).get(campaign.get_absolute_url()).content.decode()
    assert "Marcar como hecho</button>" in page
    deadline.status = deadline.Status.DONE
    with translation.override("es"):
        assert deadline.get_status_display() == "Hecho"


def test_prep_packet_dates_read_as_sentences(client, organizer, campaign):
    target = f.TargetFactory(campaign=campaign, name="Sheriff Ruiz")
    meeting = f.MeetingFactory(campaign=campaign)
    meeting.targets.set([target])
    f.DeadlineFactory(campaign=campaign, meeting=meeting, title="Send the policy", due_date=date(2030, 4, 7))
    page = in_spanish(client, organizer).get(reverse("campaigns:prep-packet", args=[campaign.pk, target.pk]))
    body = page.content.decode()
    assert "Send the policy — fecha límite: 7 Abr 2030" in body
    assert "preparada el " in body


def test_a_deadline_email_says_at_what_time_in_spanish(campaign):
    deadline = f.DeadlineFactory(
        campaign=campaign, due_date=date(2026, 3, 16), due_time=time(14, 0), time_zone="America/New_York"
    )
    context = {"deadline": deadline, "campaign": campaign, "campaign_url": "https://example.org/c/"}
    with translation.override("es"):
        html = render_to_string("emails/_deadline.html", context)
        text = render_to_string("emails/_deadline.txt", context)
    assert "<strong>lunes, 16 de marzo de 2026</strong> a las 14:00 (America/New_York)" in html
    assert "Vence: lunes, 16 de marzo de 2026 a las 14:00 (America/New_York)" in text
    with translation.override("en"):
        html = render_to_string("emails/_deadline.html", context)
    assert "<strong>Monday, March 16, 2026</strong> at 2 p.m. (America/New_York)" in html


# --- the catalogue -------------------------------------------------------------------------------


def _po_entries(path):
    """(context, msgid, msgid_plural, [msgstr...], flags) of each live entry of a .po file."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and entry["msgid"] is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry or {"ctx": None, "msgid": None, "plural": None, "str": {}, "flags": []}
        if line.startswith("#,"):
            entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) (\".*\")$", line)
        text = _unquote(match.group(3) if match else line)
        if match:
            keyword = match.group(1)
            field = ("str", int(match.group(2) or 0)) if keyword.startswith("msgstr") else keyword
            if field == "msgctxt":
                field = "ctx"
            elif field == "msgid_plural":
                field = "plural"
            if isinstance(field, tuple):
                entry["str"][field[1]] = ""
            else:
                entry[field] = ""
        if isinstance(field, tuple):
            entry["str"][field[1]] += text
        else:
            entry[field] += text
    return [entry for entry in entries if entry["msgid"]]


def _unquote(quoted):
    return ast.literal_eval(quoted)  # a .po string escapes as a Python literal does


def test_every_spanish_message_is_translated_and_none_is_fuzzy():
    entries = _po_entries(CATALOGUE.with_suffix(".po"))
    assert len(entries) > 1300
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not all(e["str"].values())] == []


def test_the_compiled_catalogue_matches_the_source():
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in _po_entries(CATALOGUE.with_suffix(".po")):
        ctx, msgid, plural, strings = entry["ctx"], entry["msgid"], entry["plural"], entry["str"]
        if plural is None:
            found = catalogue.pgettext(ctx, msgid) if ctx else catalogue.gettext(msgid)
            assert found == strings[0], msgid
        else:
            for n, index in ((1, 0), (2, 1)):
                found = catalogue.npgettext(ctx, msgid, plural, n) if ctx else catalogue.ngettext(msgid, plural, n)
                assert found == strings[index], msgid


def test_short_dates_follow_the_language():
    from datetime import date

    from django.utils import translation

    from dashboard.selectors import short_date

    with translation.override("en"):
        assert short_date(date(2026, 11, 5)) == "Nov 5"
    with translation.override("es"):
        assert short_date(date(2026, 11, 5)) == "5 Nov"
