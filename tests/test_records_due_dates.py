"""Legal due dates of records requests: business days skip weekends and federal holidays, calendar days don't."""

from datetime import date

import pytest
from django.utils import translation

from campaigns.due_dates import add_business_days, compute_due_date, compute_extended_due_date, is_business_day
from campaigns.models import RecordsRequest
from jurisdictions.models import RecordsLaw

Rule = RecordsRequest.DueRule


def law(days=10, day_type=RecordsLaw.DayType.BUSINESS, extension_days=None, needs_review=False):
    # Unsaved: the computation reads only these fields.
    return RecordsLaw(
        law_name="Test Records Act",
        response_days=days,
        day_type=day_type,
        extension_days=extension_days,
        needs_review=needs_review,
    )


def test_business_days_skip_the_weekend():
    # Thursday + 2 business days: Friday, (weekend), Monday.
    assert add_business_days(date(2026, 10, 1), 2) == date(2026, 10, 5)


def test_business_days_skip_thanksgiving():
    # Friday 20 Nov 2026 + 10 business days, Thanksgiving (26 Nov) skipped.
    assert compute_due_date(law(10), date(2026, 11, 20)).date == date(2026, 12, 7)


def test_business_days_skip_christmas():
    assert compute_due_date(law(5), date(2026, 12, 22)).date == date(2026, 12, 30)


def test_business_days_skip_new_year_and_mlk_day():
    # 31 Dec 2026 + 3: (1 Jan holiday) 4, 5, 6 Jan.
    assert compute_due_date(law(3), date(2026, 12, 31)).date == date(2027, 1, 6)
    # Friday 15 Jan 2027 + 1: (weekend, MLK day 18 Jan) Tuesday 19 Jan.
    assert compute_due_date(law(1), date(2027, 1, 15)).date == date(2027, 1, 19)


def test_business_days_skip_the_observed_day_of_a_saturday_holiday():
    # 4 July 2026 is a Saturday, observed on Friday 3 July.
    assert not is_business_day(date(2026, 7, 3))
    assert compute_due_date(law(1), date(2026, 7, 2)).date == date(2026, 7, 6)


def test_business_days_skip_juneteenth():
    assert compute_due_date(law(1), date(2026, 6, 18)).date == date(2026, 6, 22)


def test_request_sent_on_a_saturday_counts_from_monday():
    assert compute_due_date(law(1), date(2026, 11, 21)).date == date(2026, 11, 23)


def test_calendar_days_count_weekends_and_holidays():
    calendar = law(10, RecordsLaw.DayType.CALENDAR)
    due = compute_due_date(calendar, date(2026, 12, 22))
    assert due.rule == Rule.COMPUTED
    # Lands on New Year's Day: calendar-day laws do not move it.
    assert due.date == date(2027, 1, 1)


def test_law_without_fixed_period_gives_no_date():
    variable = RecordsLaw(law_name="Reasonable Time Act", day_type=RecordsLaw.DayType.VARIABLE)
    due = compute_due_date(variable, date(2026, 11, 2))
    assert due.rule == Rule.NO_FIXED_PERIOD
    assert due.date is None


def test_no_law_gives_no_date():
    due = compute_due_date(None, date(2026, 11, 2))
    assert due.rule == Rule.NO_LAW
    assert due.date is None


def test_unsent_request_has_no_date():
    assert compute_due_date(law(), None).rule == Rule.NOT_SENT


def test_extension_counts_business_days_from_the_first_due_date():
    extended = compute_extended_due_date(law(10, extension_days=10), date(2026, 12, 7))
    # 7 Dec + 10 business days: 8..11, 14..18 (9), 21 → 21 Dec.
    assert extended.date == date(2026, 12, 21)
    assert extended.rule == Rule.EXTENDED


def test_extension_in_calendar_days():
    extended = compute_extended_due_date(law(10, RecordsLaw.DayType.CALENDAR, extension_days=14), date(2026, 12, 20))
    assert extended.date == date(2027, 1, 3)


@pytest.mark.parametrize("extension_days", [None, 0])
def test_law_without_extension_period_gives_no_extended_date(extension_days):
    assert compute_extended_due_date(law(10, extension_days=extension_days), date(2026, 12, 7)) is None


@pytest.mark.parametrize(
    ("days", "day_type", "english", "spanish"),
    [
        (1, RecordsLaw.DayType.BUSINESS, "1 business day", "1 día hábil"),
        (10, RecordsLaw.DayType.BUSINESS, "10 business days", "10 días hábiles"),
        (1, RecordsLaw.DayType.CALENDAR, "1 calendar day", "1 día calendario"),
        (30, RecordsLaw.DayType.CALENDAR, "30 calendar days", "30 días calendario"),
        (None, RecordsLaw.DayType.VARIABLE, "", ""),
    ],
)
def test_the_response_period_in_words_agrees_with_its_number(days, day_type, english, spanish):
    with translation.override("en"):
        assert law(days, day_type).response_period == english
    with translation.override("es"):
        assert law(days, day_type).response_period == spanish
