"""The dates a person may enter anywhere: from 1900 to a hundred years ahead.

Outside that range a date is a typo (a year of 0001 or 9999), and one near 9999-12-31 has no day after it,
so anything counted from it (a due date, a reminder, a calendar entry's end) would overflow. Model fields
people fill carry `validate_plausible_date`, so every form, the API and the admin refuse such a date with
a message, through the services' full_clean.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(1900, 1, 1)
YEARS_AHEAD = 100


def latest_plausible_date() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=28 if today.month == 2 else today.day)


def validate_plausible_date(value: datetime.date | None) -> None:
    if value is None:
        return
    latest = latest_plausible_date()
    if not EARLIEST <= value <= latest:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s."),
            code="date_range",
            params={"earliest": EARLIEST.isoformat(), "latest": latest.isoformat()},
        )
