"""Writes of jurisdiction data. Every change to policy goes through here so the stored level stays true."""

import logging
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from redis import RedisError

from accounts.models import Organization
from accounts.organizations import first_organization_of
from core.history import bulk_create_tracked

from .models import (
    Agreement287g,
    Dimension,
    Follow,
    Jurisdiction,
    ListChange,
    ListSnapshot,
    Official,
    PolicyRecord,
    PolicyValue,
    State,
    StateLaw,
)
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

# Sent once a list that changed agreements has committed (snapshot_id=): the campaigns app alerts the
# campaigns and followers of each county and state it concerns.
list_changes_recorded = Signal()


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
    note_internal: bool = False,
    judicial_warrant: bool | None = None,
    organization: Organization | None = None,
) -> PolicyRecord:
    record = PolicyRecord(
        jurisdiction=jurisdiction,
        dimension=dimension,
        value=value,
        effective_date=effective_date,
        judicial_warrant=judicial_warrant,
        source_url=source_url,
        note=note,
        note_internal=note_internal,
        # The record is entered for the person's organization (their own, or the one they chose).
        organization=organization or (first_organization_of(user) if user is not None else None),
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


# -- ICE's 287(g) lists ---------------------------------------------------------------------------

# What an agreement was before a list was applied: (status, signed date, memorandum URL), None when new.
Before = tuple[str, date | None, str] | None


def list_changes_compute(
    *, kind: str, listed: Iterable[Agreement287g], ended: Iterable[Agreement287g], before: dict[int, Before]
) -> list[ListChange]:
    """What one list changed, as unsaved ListChange rows: new, ended, a model changed, corrections.

    An agency whose agreement of one model ends on the list that starts its agreement of another has
    changed model: one change, not an end and a start.
    """
    on_list = Agreement287g.Status.PENDING if kind == ListSnapshot.Kind.PENDING else Agreement287g.Status.ACTIVE
    added: list[Agreement287g] = []
    changes: list[ListChange] = []
    for agreement in listed:
        if agreement.status != on_list:
            continue
        was = before.get(agreement.pk)
        if was is None or was[0] != on_list:
            added.append(agreement)
            continue
        if kind != ListSnapshot.Kind.PARTICIPATING:
            continue
        if was[1] and agreement.signed_date and was[1] != agreement.signed_date:
            changes.append(
                _change(
                    ListChange.Kind.SIGNED_CORRECTED,
                    agreement,
                    old=was[1].isoformat(),
                    new=agreement.signed_date.isoformat(),
                )
            )
        if not was[2] and agreement.moa_url:
            changes.append(_change(ListChange.Kind.MOA_ADDED, agreement, new=agreement.moa_url))
    ended_by_agency: dict[int, list[Agreement287g]] = {}
    for agreement in ended:
        ended_by_agency.setdefault(agreement.agency_id, []).append(agreement)
    for agreement in added:
        previous = ended_by_agency.get(agreement.agency_id)
        if previous:
            old = previous.pop(0)
            change = _change(ListChange.Kind.MODEL_CHANGED, agreement, old=old.model, new=agreement.model)
            change.previous_agreement = old
            changes.append(change)
        else:
            changes.append(_change(ListChange.Kind.ADDED, agreement, new=agreement.model))
    for remaining in ended_by_agency.values():
        changes.extend(_change(ListChange.Kind.ENDED, agreement, old=agreement.model) for agreement in remaining)
    return changes


def _change(kind: str, agreement: Agreement287g, *, old: str = "", new: str = "") -> ListChange:
    return ListChange(
        kind=kind,
        agreement=agreement,
        state_id=agreement.state_id,
        jurisdiction_id=agreement.jurisdiction_id,
        old_value=old[:500],
        new_value=new[:500],
    )


def list_snapshot_record(
    *,
    kind: str,
    list_date: date,
    list_half: str,
    data: bytes,
    sha256: str,
    file_name: str,
    row_count: int,
    applied: bool,
    baseline: bool = False,
    active_before: int = 0,
    changes: Iterable[ListChange] = (),
    user: User | None = None,
) -> ListSnapshot:
    """Keep one imported list (the file itself) and what it changed; tells the apps above once committed."""
    snapshot = ListSnapshot(
        kind=kind,
        list_date=list_date,
        list_half=list_half,
        sha256=sha256,
        row_count=row_count,
        file_name=file_name[:200],
        applied=applied,
        baseline=baseline,
        active_before=active_before,
        imported_by=user,
    )
    snapshot.file.save(file_name[-100:], ContentFile(data), save=False)
    snapshot.save()
    changes = list(changes)
    for change in changes:
        change.snapshot = snapshot
    ListChange.objects.bulk_create(changes, batch_size=500)
    if changes:
        transaction.on_commit(lambda: list_changes_recorded.send(sender=ListSnapshot, snapshot_id=snapshot.pk))
    return snapshot


def follow_set(*, user: User, jurisdiction: Jurisdiction | None = None, state: State | None = None, on: bool) -> None:
    """Follow (on=True) or stop following a county or a state; doing it twice changes nothing."""
    if on and jurisdiction is not None:
        Follow.objects.get_or_create(user=user, jurisdiction=jurisdiction)
    elif on:
        Follow.objects.get_or_create(user=user, state=state)
    elif jurisdiction is not None:
        Follow.objects.filter(user=user, jurisdiction=jurisdiction).delete()
    else:
        Follow.objects.filter(user=user, state=state).delete()
