"""Letters drafted from sample-letter templates: merge fields filled from the campaign and its targets."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from resources.letters import fill_template, validate_template_body
from resources.models import Kind, Resource

from ..models import Campaign, Deadline, Letter, Target
from .common import _full_clean, campaign_touch
from .deadlines import _deadline_close, deadline_create


def _join(names: Iterable[str]) -> str:
    given = [n for n in dict.fromkeys(names) if n]
    if len(given) <= 1:
        return "".join(given)
    return _("%(first)s and %(last)s") % {"first": ", ".join(given[:-1]), "last": given[-1]}


def _title(recipients: list[Target]) -> str:
    titles = list(
        dict.fromkeys(t.official.display_title if t.official_id and t.official else t.title for t in recipients)
    )
    if len(recipients) > 1 and len(titles) > 1 and all(t.votes for t in recipients):
        # "Member, District 1", "Member, District 4"... addressed together are the members of the body.
        return _("Members")
    return _join(titles)


def _letter_date(day: date | None) -> str:
    if not day:
        return ""
    # A letter spells the month out: "November 23, 2026" / "23 de noviembre de 2026".
    if (get_language() or "en").startswith("en"):
        return formats.date_format(day, "F j, Y")
    return formats.date_format(day, "DATE_FORMAT")


def letter_merge_values(letter: Letter, recipients: Iterable[Target] | None = None) -> dict[str, str]:
    """What each merge field is filled with. Several recipients are named together ("A, B and C")."""
    targets = list(recipients if recipients is not None else letter.recipients.all())
    campaign = letter.campaign
    return {
        "official": _join(t.name for t in targets),
        "title": _title(targets),
        "agency": _join(t.agency.name for t in targets if t.agency_id and t.agency),
        "jurisdiction": campaign.jurisdiction.name,
        "campaign": campaign.name,
        "sender": letter.sender,
        "date": _letter_date(letter.letter_date),
    }


def normalize_newlines(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def letter_render(letter: Letter, recipients: Iterable[Target] | None = None) -> str:
    """The letter as it is sent: its body with every merge field filled."""
    return fill_template(normalize_newlines(letter.body), letter_merge_values(letter, recipients))


def _check_recipients(campaign: Campaign, recipients: Iterable[Target]) -> list[Target]:
    chosen = list(recipients)
    if not chosen:
        raise ValidationError({"recipients": _("Choose at least one recipient.")})
    if any(t.campaign_id != campaign.pk for t in chosen):
        raise ValidationError({"recipients": _("A recipient is not a target of this campaign.")})
    return chosen


def _check_body(body: str) -> None:
    try:
        validate_template_body(body)
    except ValidationError as error:
        raise ValidationError({"body": error.messages}) from None


@transaction.atomic
def letter_create(
    *,
    campaign: Campaign,
    user: User,
    template: Resource | None,
    recipients: Iterable[Target],
    sender: str,
    letter_date: date | None = None,
    subject: str = "",
) -> Letter:
    """Draft a letter from a sample letter of the library; its merge fields are filled when shown."""

    if (
        template is None
        or template.kind != Kind.SAMPLE_LETTER
        or template.status != Resource.Status.APPROVED
        or not template.template_body
    ):
        raise ValidationError({"template": _("Choose a sample letter with a template from the library.")})
    chosen = _check_recipients(campaign, recipients)
    _check_body(template.template_body)
    letter = Letter(
        campaign=campaign,
        template=template,
        subject=subject or template.title,
        sender=sender,
        letter_date=letter_date or timezone.localdate(),
        body=normalize_newlines(template.template_body),
        created_by=user,
    )
    _full_clean(letter, exclude=["recipients"])
    letter.save()
    letter.recipients.set(chosen)
    campaign_touch(campaign=campaign)
    return letter


@transaction.atomic
def letter_update(
    *,
    letter: Letter,
    user: User,
    recipients: Iterable[Target],
    sender: str,
    letter_date: date,
    subject: str,
    body: str | None,
) -> Letter:
    """Edit a letter. An unknown merge field in the body is refused, never left blank in the letter."""
    chosen = _check_recipients(letter.campaign, recipients)
    text = normalize_newlines(body)
    _check_body(text)
    letter.sender, letter.letter_date, letter.subject, letter.body = sender, letter_date, subject, text
    _full_clean(letter, exclude=["recipients"])
    letter.save()
    letter.recipients.set(chosen)
    campaign_touch(campaign=letter.campaign)
    return letter


@transaction.atomic
def letter_set_status(
    *,
    letter: Letter,
    user: User,
    status: str,
    sent_on: date | None = None,
    answered_on: date | None = None,
    response_note: str | None = None,
    expect_answer_by: date | None = None,
) -> Letter:
    """Draft, sent (on a date) or answered (on a date). `expect_answer_by` adds a follow-up deadline."""
    letter = Letter.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=letter.pk)
    today = timezone.localdate()
    if status not in Letter.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == Letter.Status.DRAFT:
        sent_on = answered_on = None
    else:
        sent_on = sent_on or letter.sent_on
        if sent_on is None:
            raise ValidationError({"sent_on": _("Say when the letter was sent.")})
        if sent_on > today:
            raise ValidationError({"sent_on": _("The sent date cannot be in the future.")})
    if status == Letter.Status.ANSWERED:
        answered_on = answered_on or letter.answered_on
        if answered_on is None:
            raise ValidationError({"answered_on": _("Say when the answer came.")})
        # A letter answered was sent: sent_on is set above.
        if sent_on is None or answered_on < sent_on or answered_on > today:
            raise ValidationError({"answered_on": _("The answer must come after the letter, and not in the future.")})
    else:
        answered_on = None
    if expect_answer_by is not None and (status != Letter.Status.SENT or sent_on is None or expect_answer_by < sent_on):
        raise ValidationError({"expect_answer_by": _("An expected answer date goes with a sent letter, after it.")})
    letter.status, letter.sent_on, letter.answered_on = status, sent_on, answered_on
    if response_note is not None:
        letter.response_note = response_note
    _full_clean(letter, exclude=["recipients"])
    letter.save()
    if expect_answer_by is not None:
        deadline_create(
            campaign=letter.campaign,
            user=user,
            title=_("Answer expected: %(subject)s") % {"subject": letter.subject},
            kind=Deadline.Kind.FOLLOW_UP,
            due_date=expect_answer_by,
            owner=user,
            letter=letter,
        )
    if status == Letter.Status.ANSWERED:
        for deadline in Deadline.objects.filter(letter=letter, status=Deadline.Status.OPEN):
            _deadline_close(deadline, user, Deadline.Status.DONE)
    campaign_touch(campaign=letter.campaign)
    return letter
