"""Writes of jurisdiction data. Every change to policy goes through here so the stored level stays true."""

from django.db import transaction
from django.utils import timezone

from core import generations

from .models import Agreement287g, Dimension, Jurisdiction, PolicyRecord, State, StateLaw
from .selectors import (
    agreement_dates,
    compute_floor,
    compute_level,
    current_policy_values,
    strongest_287g_model,
)

# The map is built from places only: its generation is that of "places" (core.generations), with the
# epoch. Every built copy of the map is tagged with the generation read before its data, and a copy is
# served only while its tag is still current. Deleting this key (or any write to a place committing)
# makes every process build anew.
MAP_CACHE_KEY = generations.PREFIX + "places"


def map_generation():
    """The map's current generation."""
    return ":".join(generations.current("places"))


def map_cache_clear():
    """Start a new generation of the map: copies built from data read before this (anywhere) are dropped."""
    generations.renew("places")


def jurisdictions_refresh_policy(*, jurisdiction_ids):
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

            def value_of(dimension, current=current):
                record = current.get(dimension)
                return record.value if record else ""

            active_models, agreement_changes = agreements.get(jurisdiction.pk, ([], []))
            # The last change of any dimension, 287(g) included: its records and its agreements' own dates.
            dates = [record.effective_date for record in current.values()] + agreement_changes
            fields = {
                "current_holds": value_of(Dimension.HOLDS),
                "current_notifications": value_of(Dimension.NOTIFICATIONS),
                "current_jail_access": value_of(Dimension.JAIL_ACCESS),
                "current_bed_contract": value_of(Dimension.BED_CONTRACT),
                "current_287g": strongest_287g_model(active_models),
            }
            fields["level"] = compute_level(
                holds=fields["current_holds"],
                notifications=fields["current_notifications"],
                jail_access=fields["current_jail_access"],
            )
            fields["policy_updated"] = max(dates) if dates else None
            if any(getattr(jurisdiction, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(jurisdiction, name, value)
                updates.append(jurisdiction)
        if updates:
            Jurisdiction.objects.bulk_update(updates, list(fields), batch_size=500)
            changed += len(updates)
    if changed:
        map_cache_clear()  # a bulk_update() sends no signal
    return changed


def jurisdiction_refresh_policy(*, jurisdiction):
    jurisdictions_refresh_policy(jurisdiction_ids=[jurisdiction.pk])
    jurisdiction.refresh_from_db()


def states_refresh_floor(*, states=None):
    """Recompute the stored state-law floor of these states (all when None), after their laws changed.

    The map shows each state's laws, not only its floor, so its copy is renewed on commit either way.
    """
    states = list(states if states is not None else State.objects.all())
    effects = {}
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
    map_cache_clear()  # a bulk_update() sends no signal
    return len(updates)


@transaction.atomic
def policy_record_create(
    *, jurisdiction, dimension, value, effective_date, user=None, source_url="", source_document=None, note=""
):
    record = PolicyRecord(
        jurisdiction=jurisdiction,
        dimension=dimension,
        value=value,
        effective_date=effective_date,
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
def policy_record_delete(*, record):
    jurisdiction = record.jurisdiction
    record.delete()
    jurisdiction_refresh_policy(jurisdiction=jurisdiction)


def agreement_policy_records_sync(*, agreements):
    """Each agreement's signing (and ending) as 287(g) policy records; returns how many were created."""
    from .models import PolicyValue

    agreements = [a for a in agreements if a.jurisdiction_id]
    existing = set(
        PolicyRecord.objects.filter(agreement__in=agreements).values_list("agreement_id", "value", "effective_date")
    )
    today = timezone.localdate()
    new = []
    for agreement in agreements:
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
                    jurisdiction_id=agreement.jurisdiction_id,
                    dimension=Dimension.G287,
                    value=value,
                    effective_date=when,
                    agreement=agreement,
                    source_url=agreement.moa_url,
                    note=f"287(g) agreement of {agreement.agency.name} {verb} (ICE list).",
                )
            )
    PolicyRecord.objects.bulk_create(new, batch_size=500)
    if new:
        map_cache_clear()  # a bulk_create() sends no signal
    return len(new)


@transaction.atomic
def policy_record_save(*, record, user=None):
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
    jurisdictions_refresh_policy(jurisdiction_ids={record.jurisdiction_id, previous_jurisdiction_id} - {None})
    return record


@transaction.atomic
def policy_records_delete(*, records):
    """Delete several policy records and refresh the jurisdictions they belonged to."""
    jurisdiction_ids = set(records.values_list("jurisdiction_id", flat=True))
    records.delete()
    jurisdictions_refresh_policy(jurisdiction_ids=jurisdiction_ids)


@transaction.atomic
def agreement_save(*, agreement):
    """Save a 287(g) agreement and refresh the current 287(g) model of its county (and its former one)."""
    previous_jurisdiction_id = None
    if agreement.pk is not None:
        previous_jurisdiction_id = (
            Agreement287g.objects.filter(pk=agreement.pk).values_list("jurisdiction_id", flat=True).first()
        )
    agreement.full_clean()
    agreement.save()
    jurisdictions_refresh_policy(jurisdiction_ids={agreement.jurisdiction_id, previous_jurisdiction_id} - {None})
    return agreement


@transaction.atomic
def agreement_delete(*, agreement):
    jurisdiction_id = agreement.jurisdiction_id
    agreement.delete()
    if jurisdiction_id:
        jurisdictions_refresh_policy(jurisdiction_ids=[jurisdiction_id])
