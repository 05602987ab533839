"""Legal response due dates of public-records requests, from the state's records law.

Business days skip Saturdays, Sundays and US federal holidays (as observed); calendar days count
every day. The day a request is sent is day zero. A law with no fixed period gives no date: we
never invent one. State holidays are not skipped, and the explanation says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jurisdictions.models import RecordsLaw


class DueRule(models.TextChoices):
    """How a records request's due date was set (RecordsRequest.DueRule)."""

    NOT_SENT = "not_sent", gettext_lazy("Not sent yet")
    COMPUTED = "computed", gettext_lazy("Computed from the law")
    EXTENDED = "extended", gettext_lazy("Extended under the law")
    SET_BY_AGENCY = "set_by_agency", gettext_lazy("Date given by the agency")
    NO_FIXED_PERIOD = "no_fixed_period", gettext_lazy("The law sets no fixed period")
    NO_LAW = "no_law", gettext_lazy("No records law on file")


@lru_cache(maxsize=64)
def _federal_holidays(year):
    return frozenset(holidays.country_holidays("US", years=year, observed=True).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (start itself is not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def add_days(start: date, days: int, day_type: str) -> date:
    if day_type == RecordsLaw.DayType.BUSINESS:
        return add_business_days(start, days)
    return start + timedelta(days=days)


@dataclass(frozen=True)
class DueDate:
    rule: str  # a DueRule value
    date: date | None


def compute_due_date(law: RecordsLaw | None, sent_on: date | None) -> DueDate:
    """The first response due date of a request sent on `sent_on` under `law`."""

    Rule = DueRule
    if sent_on is None:
        return DueDate(Rule.NOT_SENT, None)
    if law is None:
        return DueDate(Rule.NO_LAW, None)
    if not law.has_fixed_period or law.response_days is None:
        return DueDate(Rule.NO_FIXED_PERIOD, None)
    return DueDate(Rule.COMPUTED, add_days(sent_on, law.response_days, law.day_type))


def compute_extended_due_date(law: RecordsLaw | None, due_date: date | None) -> DueDate | None:
    """The due date after the agency extends, counted from the first due date; None when the law gives no period."""

    if law is None or due_date is None or not law.has_fixed_period or not law.extension_days:
        return None
    return DueDate(DueRule.EXTENDED, add_days(due_date, law.extension_days, law.day_type))


def _unit(day_type):
    if day_type == RecordsLaw.DayType.BUSINESS:
        return _("business days (weekends and federal holidays skipped; state holidays are not)")
    return _("calendar days")


def explain_due_date(request) -> str:
    """How a request's due date was found, in the reader's language (computed when shown, never stored)."""

    Rule = DueRule
    law = request.law
    if request.due_rule == Rule.NOT_SENT:
        return _("The due date is computed once the request is sent.")
    if request.due_rule == Rule.NO_LAW or law is None:
        return _("No public-records law is on file for this state, so no due date was computed.")
    if request.due_rule == Rule.NO_FIXED_PERIOD:
        return _("%(law)s sets no fixed response period, so no due date was computed.") % {"law": law}
    if request.due_rule == Rule.SET_BY_AGENCY:
        return _("Date given by the agency when it extended; the law's own date was %(due)s.") % {
            "due": request.original_due_date.isoformat() if request.original_due_date else "—"
        }
    text = _("%(days)s %(unit)s after %(sent)s under %(law)s.") % {
        "days": law.response_days,
        "unit": _unit(law.day_type),
        "sent": request.sent_on.isoformat() if request.sent_on else "—",
        "law": law,
    }
    if request.due_rule == Rule.EXTENDED:
        text += " " + _("Extended by %(days)s %(unit)s from %(due)s.") % {
            "days": law.extension_days,
            "unit": _unit(law.day_type),
            "due": request.original_due_date.isoformat() if request.original_due_date else "—",
        }
    return text
