"""The overall level and the state-law floor: every combination, and how policy records move them."""

import datetime
import importlib
import itertools

import pytest
from django.apps import apps
from django.core.cache import cache

from jurisdictions import selectors, services
from jurisdictions.models import (
    Agreement287g,
    Dimension,
    Jurisdiction,
    PolicyLevel,
    PolicyRecord,
    PolicyValue,
    StateFloor,
    StateLaw,
)
from tests import factories

HOLDS = ["honors_all", "honors_some", "honors_none", ""]
NOTIFICATIONS = ["yes", "limited", "none", ""]
JAIL_ACCESS = ["yes", "limited", "none", ""]


def expected_level(holds, notifications, jail_access):
    """The rule of PRODUCT.md, written out independently of the code under test.

    complies with holds < limits holds < no holds and no ICE access < no holds, no notifications and no
    ICE access; a level is only claimed when every dimension it names is known to qualify.
    """
    if holds == "":
        return PolicyLevel.UNKNOWN
    if holds == "honors_all":
        return PolicyLevel.COMPLIES
    if holds == "honors_some":
        return PolicyLevel.LIMITS_HOLDS
    # honors_none from here on.
    if jail_access != "none":
        return PolicyLevel.LIMITS_HOLDS
    if notifications == "none":
        return PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS
    return PolicyLevel.NO_HOLDS_NO_ACCESS


# The 16 combinations where holds are refused, spelled out: the ones the public maps argue about.
NO_HOLDS_TABLE = {
    ("yes", "yes"): PolicyLevel.LIMITS_HOLDS,
    ("yes", "limited"): PolicyLevel.LIMITS_HOLDS,
    ("yes", "none"): PolicyLevel.NO_HOLDS_NO_ACCESS,
    ("yes", ""): PolicyLevel.LIMITS_HOLDS,
    ("limited", "yes"): PolicyLevel.LIMITS_HOLDS,
    ("limited", "limited"): PolicyLevel.LIMITS_HOLDS,
    ("limited", "none"): PolicyLevel.NO_HOLDS_NO_ACCESS,
    ("limited", ""): PolicyLevel.LIMITS_HOLDS,
    ("none", "yes"): PolicyLevel.LIMITS_HOLDS,
    ("none", "limited"): PolicyLevel.LIMITS_HOLDS,
    ("none", "none"): PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS,
    ("none", ""): PolicyLevel.LIMITS_HOLDS,
    ("", "yes"): PolicyLevel.LIMITS_HOLDS,
    ("", "limited"): PolicyLevel.LIMITS_HOLDS,
    ("", "none"): PolicyLevel.NO_HOLDS_NO_ACCESS,
    ("", ""): PolicyLevel.LIMITS_HOLDS,
}


@pytest.mark.parametrize(
    ("holds", "notifications", "jail_access"), list(itertools.product(HOLDS, NOTIFICATIONS, JAIL_ACCESS))
)
def test_compute_level_every_combination(holds, notifications, jail_access):
    level = selectors.compute_level(holds=holds, notifications=notifications, jail_access=jail_access)
    assert level == expected_level(holds, notifications, jail_access)


@pytest.mark.parametrize(("notifications", "jail_access"), list(NO_HOLDS_TABLE))
def test_compute_level_when_no_holds_are_honored(notifications, jail_access):
    level = selectors.compute_level(holds="honors_none", notifications=notifications, jail_access=jail_access)
    assert level == NO_HOLDS_TABLE[(notifications, jail_access)]


def test_compute_level_covers_all_64_combinations():
    combinations = list(itertools.product(HOLDS, NOTIFICATIONS, JAIL_ACCESS))
    assert len(combinations) == 64
    levels = {selectors.compute_level(holds=h, notifications=n, jail_access=a) for h, n, a in combinations}
    assert levels == set(PolicyLevel)


def test_compute_level_treats_none_as_unknown():
    assert selectors.compute_level(holds=None, notifications=None, jail_access=None) == PolicyLevel.UNKNOWN
    assert (
        selectors.compute_level(holds="honors_none", notifications=None, jail_access="none")
        == PolicyLevel.NO_HOLDS_NO_ACCESS
    )


@pytest.mark.parametrize(
    ("effects", "floor"),
    [
        ([], StateFloor.NONE),
        (["limits"], StateFloor.LIMITS),
        (["mandates"], StateFloor.MANDATES),
        (["limits", "mandates"], StateFloor.MIXED),
        (["mandates", "limits"], StateFloor.MIXED),
        (["limits", "limits"], StateFloor.LIMITS),
        (["mandates", "mandates"], StateFloor.MANDATES),
        (["limits", "mandates", "limits"], StateFloor.MIXED),
    ],
)
def test_compute_floor_for_each_set_of_effects(effects, floor):
    assert selectors.compute_floor(effects) == floor
    assert selectors.compute_floor(iter(effects)) == floor


# --- Through the service ---------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def add(jurisdiction, dimension, value, when, user=None):
    return services.policy_record_create(
        jurisdiction=jurisdiction,
        dimension=dimension,
        value=value,
        effective_date=when,
        user=user,
        source_url="https://example.org/policy",
    )


@pytestmark_db
def test_new_jurisdiction_is_unknown():
    county = factories.JurisdictionFactory()
    assert county.level == PolicyLevel.UNKNOWN
    assert county.current_holds == ""


@pytestmark_db
def test_adding_records_updates_level_and_current_values(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.HOLDS, PolicyValue.HONORS_NONE, datetime.date(2023, 1, 10), staff)
    county.refresh_from_db()
    assert county.current_holds == "honors_none"
    assert county.level == PolicyLevel.LIMITS_HOLDS  # ICE access to the jail still unknown

    add(county, Dimension.JAIL_ACCESS, PolicyValue.NONE, datetime.date(2023, 2, 1), staff)
    county.refresh_from_db()
    assert county.level == PolicyLevel.NO_HOLDS_NO_ACCESS

    add(county, Dimension.NOTIFICATIONS, PolicyValue.NONE, datetime.date(2023, 3, 1), staff)
    add(county, Dimension.BED_CONTRACT, PolicyValue.NO, datetime.date(2022, 5, 1), staff)
    county.refresh_from_db()
    assert county.level == PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS
    assert (county.current_notifications, county.current_jail_access, county.current_bed_contract) == (
        "none",
        "none",
        "no",
    )
    assert county.policy_updated == datetime.date(2023, 3, 1)


@pytestmark_db
def test_latest_effective_date_wins_and_older_record_added_later_does_not_override(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.HOLDS, PolicyValue.HONORS_NONE, datetime.date(2024, 6, 1), staff)
    add(county, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2019, 1, 1), staff)
    county.refresh_from_db()
    assert county.current_holds == "honors_none"
    assert county.level == PolicyLevel.LIMITS_HOLDS
    assert county.policy_updated == datetime.date(2024, 6, 1)

    history = {d: (current, records) for d, current, records in selectors.dimension_history(county)}
    current, records = history[Dimension.HOLDS]
    assert current.value == "honors_none"
    assert [r.value for r in records] == ["honors_none", "honors_all"]


@pytestmark_db
def test_newer_record_overrides(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.HOLDS, PolicyValue.HONORS_NONE, datetime.date(2020, 1, 1), staff)
    add(county, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2025, 1, 1), staff)
    county.refresh_from_db()
    assert county.current_holds == "honors_all"
    assert county.level == PolicyLevel.COMPLIES


@pytestmark_db
def test_same_effective_date_the_later_entry_wins(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2024, 1, 1), staff)
    add(county, Dimension.HOLDS, PolicyValue.HONORS_SOME, datetime.date(2024, 1, 1), staff)
    county.refresh_from_db()
    assert county.current_holds == "honors_some"


@pytestmark_db
def test_record_keeps_who_entered_it(staff):
    county = factories.JurisdictionFactory()
    record = add(county, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2024, 1, 1), staff)
    assert record.entered_by == staff
    assert record.created_at is not None


@pytestmark_db
@pytest.mark.parametrize(
    "write",
    [
        lambda county, staff: add(county, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2024, 1, 1), staff),
        lambda county, staff: StateLaw.objects.create(state=county.state, title="A new law", effect="limits"),
        lambda county, staff: Agreement287g.objects.create(
            agency=factories.AgencyFactory(jurisdiction=county, state=county.state),
            state=county.state,
            jurisdiction=county,
            model="task_force",
        ),
    ],
    ids=["policy record", "state law", "287(g) agreement"],
)
def test_a_policy_law_or_agreement_drops_the_maps_cached_json_on_commit(
    staff, write, django_capture_on_commit_callbacks
):
    county = factories.JurisdictionFactory()
    cache.set(services.MAP_CACHE_KEY, {"etag": "old", "json": b"{}"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(county, staff)
        assert cache.get(services.MAP_CACHE_KEY) is not None  # not before the commit
    assert callbacks
    assert cache.get(services.MAP_CACHE_KEY) is None


# --- The last policy change: every dimension, 287(g) included -------------------------------------------


@pytestmark_db
def test_a_287g_record_alone_dates_the_last_policy_change(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.G287, PolicyValue.TASK_FORCE, datetime.date(2024, 5, 2), staff)
    county.refresh_from_db()
    assert county.policy_updated == datetime.date(2024, 5, 2)


@pytestmark_db
def test_a_287g_agreement_alone_dates_the_last_policy_change():
    agreement = factories.AgreementFactory(signed_date=datetime.date(2023, 9, 14))
    services.agreement_save(agreement=agreement)
    county = Jurisdiction.objects.get(pk=agreement.jurisdiction_id)
    assert county.current_287g == "task_force"
    assert county.policy_updated == datetime.date(2023, 9, 14)


@pytestmark_db
def test_the_last_policy_change_is_the_newest_of_records_and_agreements(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.HOLDS, PolicyValue.HONORS_SOME, datetime.date(2022, 1, 10), staff)
    agency = factories.AgencyFactory(jurisdiction=county)
    agreement = services.agreement_save(
        agreement=Agreement287g(
            agency=agency,
            state=county.state,
            jurisdiction=county,
            model="jail_enforcement",
            signed_date=datetime.date(2023, 3, 1),
        )
    )
    county.refresh_from_db()
    assert county.policy_updated == datetime.date(2023, 3, 1)

    agreement.status = Agreement287g.Status.ENDED
    agreement.end_date = datetime.date(2024, 7, 31)
    services.agreement_save(agreement=agreement)
    county.refresh_from_db()
    assert county.current_287g == ""
    assert county.policy_updated == datetime.date(2024, 7, 31)

    # A pending agreement has changed nothing yet.
    services.agreement_save(
        agreement=Agreement287g(
            agency=agency,
            state=county.state,
            jurisdiction=county,
            model="task_force",
            status=Agreement287g.Status.PENDING,
            signed_date=datetime.date(2025, 1, 6),
        )
    )
    county.refresh_from_db()
    assert county.policy_updated == datetime.date(2024, 7, 31)

    add(county, Dimension.NOTIFICATIONS, PolicyValue.LIMITED, datetime.date(2025, 2, 1), staff)
    county.refresh_from_db()
    assert county.policy_updated == datetime.date(2025, 2, 1)


@pytestmark_db
def test_deleting_the_only_agreement_clears_the_last_policy_change():
    agreement = factories.AgreementFactory(signed_date=datetime.date(2023, 9, 14))
    services.agreement_save(agreement=agreement)
    county = agreement.jurisdiction
    services.agreement_delete(agreement=agreement)
    county.refresh_from_db()
    assert county.policy_updated is None


@pytestmark_db
def test_migration_dates_stored_jurisdictions_by_their_287g_records_and_agreements(staff):
    only_287g = factories.JurisdictionFactory()
    add(only_287g, Dimension.G287, PolicyValue.WARRANT_SERVICE, datetime.date(2021, 6, 1), staff)
    both = factories.JurisdictionFactory()
    add(both, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2019, 1, 1), staff)
    factories.AgreementFactory(
        agency__jurisdiction=both,
        status=Agreement287g.Status.ENDED,
        signed_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 8, 9),
    )
    untouched = factories.JurisdictionFactory()
    # As the old rule stored them: 287(g) left out.
    Jurisdiction.objects.filter(pk=only_287g.pk).update(policy_updated=None)
    Jurisdiction.objects.filter(pk=both.pk).update(policy_updated=datetime.date(2019, 1, 1))

    migration = importlib.import_module("jurisdictions.migrations.0003_policy_updated_counts_287g")
    migration.recompute(apps, None)

    dates = dict(Jurisdiction.objects.values_list("pk", "policy_updated"))
    assert dates[only_287g.pk] == datetime.date(2021, 6, 1)
    assert dates[both.pk] == datetime.date(2022, 8, 9)
    assert dates[untouched.pk] is None


@pytestmark_db
def test_deleting_the_current_record_falls_back_to_the_previous_one(staff):
    county = factories.JurisdictionFactory()
    add(county, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2020, 1, 1), staff)
    newest = add(county, Dimension.HOLDS, PolicyValue.HONORS_NONE, datetime.date(2024, 1, 1), staff)
    services.policy_record_delete(record=newest)
    county.refresh_from_db()
    assert county.current_holds == "honors_all"
    assert county.level == PolicyLevel.COMPLIES


@pytestmark_db
def test_policy_record_save_moves_a_record_and_refreshes_both_jurisdictions(staff):
    first, second = factories.JurisdictionFactory(), factories.JurisdictionFactory()
    record = add(first, Dimension.HOLDS, PolicyValue.HONORS_ALL, datetime.date(2024, 1, 1), staff)
    record.jurisdiction = second
    services.policy_record_save(record=record)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.level == PolicyLevel.UNKNOWN
    assert second.level == PolicyLevel.COMPLIES


@pytestmark_db
def test_current_287g_comes_from_active_agreements():
    agreement = factories.AgreementFactory(model="warrant_service")
    county = agreement.jurisdiction
    services.jurisdiction_refresh_policy(jurisdiction=county)
    assert county.current_287g == "warrant_service"
    factories.AgreementFactory(agency=agreement.agency, model="jail_enforcement")
    services.jurisdiction_refresh_policy(jurisdiction=county)
    assert county.current_287g == "jail_enforcement"
    agreement.agency.agreements.update(status="ended")
    services.jurisdiction_refresh_policy(jurisdiction=county)
    assert county.current_287g == ""


@pytestmark_db
def test_service_rejects_a_value_of_another_dimension(staff):
    from django.core.exceptions import ValidationError

    county = factories.JurisdictionFactory()
    with pytest.raises(ValidationError):
        add(county, Dimension.HOLDS, PolicyValue.YES, datetime.date(2024, 1, 1), staff)
    assert not PolicyRecord.objects.exists()
