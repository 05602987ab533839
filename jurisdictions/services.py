"""Writes of jurisdiction data. Every change to policy goes through here so the stored level stays true."""

import logging
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from redis import RedisError

from core.history import bulk_create_tracked

from .models import Agreement287g, Dimension, Jurisdiction, Official, PolicyRecord, PolicyValue, State, StateLaw
from .selectors import (
    agreement_dates,
    compute_floor,
    compute_fourth_amendment_risk,
    compute_level,
    current_policy_values,
    strongest_287g_model,
)

# The public map's JSON, the one shared cache (jurisdictions.views_map): deleted when a change to the
# places it shows commits; the timeout bounds a copy built from data read just before such a commit.
MAP_CACHE_KEY = "jurisdictions:map-data"
MAP_CACHE_SECONDS = 10 * 60
# What the cache raises when it cannot be reached (Redis down, a full disk for the file cache): the map
# is then built for each request, and nothing else depends on the cache.
CACHE_ERRORS = (RedisError, OSError)

logger = logging.getLogger(__name__)


def map_cache_clear() -> None:
    """Drop the map's cached JSON when the current transaction commits (at once outside one)."""
    transaction.on_commit(_drop_map_copy)


def _drop_map_copy() -> None:
    try:
        cache.delete(MAP_CACHE_KEY)
    except CACHE_ERRORS:
        logger.warning("The map's cached JSON could not be dropped; it expires within %s s", MAP_CACHE_SECONDS)


def jurisdictions_refresh_policy(*, jurisdiction_ids: Iterable[int]) -> int:
    """Recompute the stored current policy and level of these jurisdictions (a few queries per batch)."""
    jurisdiction_ids = list(jurisdiction_ids)
    changed = 0
    for start in range(0, len(jurisdiction_ids), 1000):
        batch = jurisdiction_ids[start : start + 1000]
        values = current_policy_values(batch)
        agreements = agreement_dates(batch)
        jurisdictions = list(Jurisdiction.objects.filter(pk__in=batch))
        updates = []
        for jurisdiction in jurisdictions:
            current = values.get(jurisdiction.pk, {})

            def value_of(dimension: str, current: dict[str, PolicyRecord] = current) -> str:
                record = current.get(dimension)
                return record.value if record else ""

            active_models, agreement_changes = agreements.get(jurisdiction.pk, ([], []))
            # The last change of any dimension, 287(g) included: its records and its agreements' own dates.
            dates = [record.effective_date for record in current.values()] + agreement_changes
            holds = value_of(Dimension.HOLDS)
            notifications = value_of(Dimension.NOTIFICATIONS)
            jail_access = value_of(Dimension.JAIL_ACCESS)
            fields: dict[str, object] = {
                "current_holds": holds,
                "current_notifications": notifications,
                "current_jail_access": jail_access,
                "current_bed_contract": value_of(Dimension.BED_CONTRACT),
                "current_287g": strongest_287g_model(active_models),
                "level": compute_level(holds=holds, notifications=notifications, jail_access=jail_access),
                "policy_updated": max(dates) if dates else None,
            }
            holds_record = current.get(Dimension.HOLDS)
            judicial_warrant = holds_record.judicial_warrant if holds_record else None
            fields["current_judicial_warrant"] = judicial_warrant
            fields["fourth_amendment_risk"] = compute_fourth_amendment_risk(
                holds=holds, judicial_warrant=judicial_warrant
            )
            if any(getattr(jurisdiction, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(jurisdiction, name, value)
                updates.append(jurisdiction)
        if updates:
            Jurisdiction.objects.bulk_update(updates, list(fields), batch_size=500)
            changed += len(updates)
    if changed:
        map_cache_clear()
    return changed


def jurisdiction_refresh_policy(*, jurisdiction: Jurisdiction) -> None:
    jurisdictions_refresh_policy(jurisdiction_ids=[jurisdiction.pk])
    jurisdiction.refresh_from_db()


def states_refresh_floor(*, states: Iterable[State] | None = None) -> int:
    """Recompute the stored state-law floor of these states (all when None), after their laws changed.

    The map shows each state's laws, not only its floor, so its copy is dropped either way.
    """
    states = list(states if states is not None else State.objects.all())
    effects: dict[int, list[str]] = {}
    for state_id, effect in StateLaw.objects.filter(state__in=states).values_list("state_id", "effect"):
        effects.setdefault(state_id, []).append(effect)
    updates = []
    for state in states:
        floor = compute_floor(effects.get(state.pk, []))
        if state.law_floor != floor:
            state.law_floor = floor
            updates.append(state)
    if updates:
        State.objects.bulk_update(updates, ["law_floor"])
    map_cache_clear()
    return len(updates)


@transaction.atomic
def policy_record_create(
    *,
    jurisdiction: Jurisdiction,
    dimension: str,
    value: str,
    effective_date: date,
    user: User | None = None,
    source_url: str = "",
    source_document: File | None = None,
    note: str = "",
    judicial_warrant: bool | None = None,
) -> PolicyRecord:
    record = PolicyRecord(
        jurisdiction=jurisdiction,
        dimension=dimension,
        value=value,
        effective_date=effective_date,
        judicial_warrant=judicial_warrant,
        source_url=source_url,
        note=note,
        entered_by=user,
    )
    if source_document:
        record.source_document = source_document
    record.full_clean()
    record.save()
    jurisdiction_refresh_policy(jurisdiction=jurisdiction)
    return record


@transaction.atomic
def policy_record_delete(*, record: PolicyRecord) -> None:
    jurisdiction = record.jurisdiction
    record.delete()
    jurisdiction_refresh_policy(jurisdiction=jurisdiction)


def agreement_policy_records_sync(*, agreements: Iterable[Agreement287g]) -> int:
    """Each agreement's signing (and ending) as 287(g) policy records; returns how many were created."""

    agreements = list(agreements)
    existing = set(
        PolicyRecord.all_objects.filter(agreement__in=agreements).values_list("agreement_id", "value", "effective_date")
    )
    today = timezone.localdate()
    new = []
    for agreement in agreements:
        jurisdiction_id = agreement.jurisdiction_id
        if jurisdiction_id is None:
            continue
        events = []
        if agreement.status != Agreement287g.Status.PENDING:
            events.append((agreement.model, agreement.signed_date or agreement.last_listed or today, "signed"))
        if agreement.status == Agreement287g.Status.ENDED:
            events.append((PolicyValue.NONE, agreement.end_date or today, "ended"))
        for value, when, verb in events:
            if (agreement.pk, value, when) in existing:
                continue
            new.append(
                PolicyRecord(
                    jurisdiction_id=jurisdiction_id,
                    dimension=Dimension.G287,
                    value=value,
                    effective_date=when,
                    agreement=agreement,
                    source_url=agreement.moa_url,
                    note=f"287(g) agreement of {agreement.agency.name} {verb} (ICE list).",
                )
            )
    bulk_create_tracked(new, PolicyRecord)
    if new:
        map_cache_clear()
    return len(new)


@transaction.atomic
def policy_record_save(*, record: PolicyRecord, user: User | None = None) -> PolicyRecord:
    """Save a new or edited policy record (the admin's path) and refresh every jurisdiction it touches."""
    if record.pk is None and user is not None and record.entered_by_id is None:
        record.entered_by = user
    previous_jurisdiction_id = None
    if record.pk is not None:
        previous_jurisdiction_id = (
            PolicyRecord.objects.filter(pk=record.pk).values_list("jurisdiction_id", flat=True).first()
        )
    record.full_clean()
    record.save()
    jurisdictions_refresh_policy(
        jurisdiction_ids={pk for pk in (record.jurisdiction_id, previous_jurisdiction_id) if pk is not None}
    )
    return record


@transaction.atomic
def policy_records_delete(*, records: QuerySet[PolicyRecord]) -> None:
    """Delete several policy records and refresh the jurisdictions they belonged to."""
    jurisdiction_ids = set(records.values_list("jurisdiction_id", flat=True))
    records.delete()
    jurisdictions_refresh_policy(jurisdiction_ids=jurisdiction_ids)


@transaction.atomic
def agreement_save(*, agreement: Agreement287g) -> Agreement287g:
    """Save a 287(g) agreement and refresh the current 287(g) model of its county (and its former one)."""
    previous_jurisdiction_id = None
    if agreement.pk is not None:
        previous_jurisdiction_id = (
            Agreement287g.objects.filter(pk=agreement.pk).values_list("jurisdiction_id", flat=True).first()
        )
    agreement.full_clean()
    agreement.save()
    jurisdictions_refresh_policy(
        jurisdiction_ids={pk for pk in (agreement.jurisdiction_id, previous_jurisdiction_id) if pk is not None}
    )
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: Agreement287g) -> None:
    jurisdiction_id = agreement.jurisdiction_id
    agreement.delete()
    if jurisdiction_id:
        jurisdictions_refresh_policy(jurisdiction_ids=[jurisdiction_id])


@transaction.atomic
def official_save(*, official: Official) -> Official:
    """Save a new or edited official (staff's form, the admin); the model's checks run first."""
    official.full_clean()
    official.save()
    return official
