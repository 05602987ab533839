"""Reads of jurisdiction data: the one place the overall policy level is computed."""

import calendar
import datetime
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from accounts.organizations import organization_ids_of
from core.history import Entry, recent_history, record_history
from core.roles import is_admin
from core.types import AnyUser

from .models import (
    DIMENSION_VALUES,
    Agency,
    Agreement287g,
    Dimension,
    FederalDesignation,
    Follow,
    Jurisdiction,
    ListChange,
    ListSnapshot,
    Model287g,
    Official,
    PolicyLevel,
    PolicyRecord,
    PolicyValue,
    State,
    StateFloor,
    StateLaw,
)

# When an agency has several active 287(g) agreements the most entangling model is shown.
MODEL_287G_RANK = [Model287g.JAIL_ENFORCEMENT, Model287g.TASK_FORCE, Model287g.WARRANT_SERVICE]


def compute_level(*, holds: str, notifications: str, jail_access: str) -> PolicyLevel:
    """The overall level of the public maps, from the current value of three dimensions.

    Unknown holds make the level unknown; honoring every hold is compliance; any refusal of holds
    limits them; refusing all holds and keeping ICE out of the jail is the next level; refusing
    notifications on top of that is the most protective level.
    """
    if holds == PolicyValue.HONORS_ALL:
        return PolicyLevel.COMPLIES
    if holds == PolicyValue.HONORS_SOME:
        return PolicyLevel.LIMITS_HOLDS
    if holds != PolicyValue.HONORS_NONE:
        return PolicyLevel.UNKNOWN
    if jail_access != PolicyValue.NONE:
        return PolicyLevel.LIMITS_HOLDS
    if notifications == PolicyValue.NONE:
        return PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS
    return PolicyLevel.NO_HOLDS_NO_ACCESS


# Holds that a jail honors: with no judicial warrant behind them, each one is a new arrest.
HONORED_HOLDS = (PolicyValue.HONORS_ALL, PolicyValue.HONORS_SOME)


def compute_fourth_amendment_risk(*, holds: str, judicial_warrant: bool | None) -> bool | None:
    """True when the jail may be holding people in violation of the Fourth Amendment; None when not known.

    An ICE detainer is an administrative request, not a warrant: a jail that honors all or some holds
    without requiring a judicial warrant or a judge's order detains people without probable cause
    found by a judge. A jail that honors none is not at risk, nor one that honors them only on a
    judicial warrant; without a holds record, or with honored holds and the warrant rule unknown, the
    risk is unknown.
    """
    if holds == PolicyValue.HONORS_NONE:
        return False
    if holds not in HONORED_HOLDS or judicial_warrant is None:
        return None
    return not judicial_warrant


def compute_floor(effects: Iterable[str]) -> StateFloor:
    """The state-law floor from the effects of a state's laws."""
    found = set(effects)
    if {"limits", "mandates"} <= found:
        return StateFloor.MIXED
    if "limits" in found:
        return StateFloor.LIMITS
    if "mandates" in found:
        return StateFloor.MANDATES
    return StateFloor.NONE


def strongest_287g_model(models: Iterable[str]) -> str:
    present = set(models)
    for model in MODEL_287G_RANK:
        if model in present:
            return model
    return ""


def current_policy_values(
    jurisdiction_ids: Iterable[int], *, fields: Iterable[str] | None = None
) -> dict[int, dict[str, Any]]:
    """{jurisdiction id: {dimension: latest PolicyRecord}} in one query, the 287(g) dimension included.

    With `fields`, each latest record is a dict of those fields (with jurisdiction_id and dimension):
    lighter when thousands of counties are read at once (the open data).
    """
    records = PolicyRecord.objects.filter(jurisdiction_id__in=jurisdiction_ids).order_by(
        "jurisdiction_id", "dimension", "-effective_date", "-created_at", "-pk"
    )
    current: dict[int, dict[str, Any]] = {}
    if fields is not None:
        for row in records.values("jurisdiction_id", "dimension", *fields):
            current.setdefault(row["jurisdiction_id"], {}).setdefault(row["dimension"], row)
        return current
    for record in records:
        current.setdefault(record.jurisdiction_id, {}).setdefault(record.dimension, record)
    return current


def agreement_dates(jurisdiction_ids: Iterable[int]) -> dict[int, tuple[list[str], list[date]]]:
    """{jurisdiction id: ([models of active agreements], [dates its agreements were signed or ended])} in one query.

    A pending agreement has changed nothing yet; an active one changed policy when signed, an ended
    one when signed and again when it ended.
    """
    rows = (
        Agreement287g.objects.filter(jurisdiction_id__in=jurisdiction_ids)
        .exclude(status=Agreement287g.Status.PENDING)
        .values_list("jurisdiction_id", "model", "status", "signed_date", "end_date")
    )
    result: dict[int, tuple[list[str], list[date]]] = {}
    for jurisdiction_id, model, status, signed_date, end_date in rows:
        models, dates = result.setdefault(jurisdiction_id, ([], []))
        if status == Agreement287g.Status.ACTIVE:
            models.append(model)
        if signed_date:
            dates.append(signed_date)
        if end_date and status == Agreement287g.Status.ENDED:
            dates.append(end_date)
    return result


def jurisdiction_list(*, base: QuerySet[Jurisdiction] | None = None) -> QuerySet[Jurisdiction]:
    """Jurisdictions with their state, in one query (the API list and the exports start from this)."""
    qs = base if base is not None else Jurisdiction.objects.all()
    return qs.select_related("state")


def jurisdiction_list_page(*, base: QuerySet[Jurisdiction] | None = None) -> QuerySet[Jurisdiction]:
    """Jurisdictions with just what a row of the list page shows.

    The county a city belongs to is read for the page's rows alone (a query only when one is a city):
    joining it on every jurisdiction before sorting cost more than the sort.
    """
    return (
        jurisdiction_list(base=base)
        .only(
            "id",
            "name",
            "is_legacy",
            "parent_id",
            "population",
            "level",
            "current_287g",
            "policy_updated",
            "state__name",
            "state__postal",
            "state__law_floor",
        )
        .prefetch_related(Prefetch("parent", queryset=Jurisdiction.objects.only("id", "name")))
    )


def jurisdiction_with_active_287g(model: str) -> Exists:
    return Exists(
        Agreement287g.objects.filter(jurisdiction=OuterRef("pk"), status=Agreement287g.Status.ACTIVE, model=model)
    )


def internal_note_readable(record: PolicyRecord, user: AnyUser, organization_ids: set[int]) -> bool:
    """May `user` read the record's note? A note not internal, anyone; an internal one, the people of the
    organization that entered it (anyone signed in when none did) and network admins."""
    if not record.note_internal:
        return True
    if not user.is_authenticated:
        return False
    return record.organization_id is None or record.organization_id in organization_ids or is_admin(user)


def mark_readable_notes(records: Iterable[PolicyRecord], user: AnyUser) -> None:
    """Set `note_readable` on each record (the reader's organizations are read only when a note needs them)."""
    records = list(records)
    needs = any(r.note_internal and r.organization_id for r in records) and user.is_authenticated
    organization_ids = organization_ids_of(user) if needs else set()
    for record in records:
        record.note_readable = bool(record.note) and internal_note_readable(record, user, organization_ids)


def dimension_history(
    jurisdiction: Jurisdiction,
) -> list[tuple[Dimension, PolicyRecord | None, list[PolicyRecord]]]:
    """[(dimension, current record or None, [records newest first])] from prefetched records."""
    by_dimension: dict[str, list[PolicyRecord]] = {dimension: [] for dimension in DIMENSION_VALUES}
    for record in jurisdiction.policy_records.all():
        by_dimension[record.dimension].append(record)
    result = []
    for dimension, records in by_dimension.items():
        records.sort(key=lambda r: (r.effective_date, r.created_at, r.pk), reverse=True)
        result.append((Dimension(dimension), records[0] if records else None, records))
    return result


# The public map. Level and 287(g) model are sent as indexes into these lists, in legend order.
MAP_LEVELS = [
    PolicyLevel.COMPLIES,
    PolicyLevel.LIMITS_HOLDS,
    PolicyLevel.NO_HOLDS_NO_ACCESS,
    PolicyLevel.NO_HOLDS_NO_NOTIFICATIONS_NO_ACCESS,
    PolicyLevel.UNKNOWN,
]
MAP_FLOORS = [StateFloor.LIMITS, StateFloor.MANDATES, StateFloor.MIXED]


# What each county's row of the map JSON holds, in order (the JSON names them in "columns").
MAP_COUNTY_COLUMNS = ["name", "level", "model287g", "population", "id", "legacy", "fourth_amendment_risk"]


def map_data() -> dict[str, Any]:
    """Every county's level, 287(g) model, Fourth Amendment flag and state-law floor for the public map, in
    three queries.

    Each county is a row of MAP_COUNTY_COLUMNS: its level and 287(g) model as indexes into "levels" and
    "models287g" (-1: none), `legacy` 1 for Connecticut's former counties, and `fourth_amendment_risk`
    true, false or null (unknown). Only codes, names and numbers: labels are translated by the page, so
    one cached copy serves every language. Nothing about campaigns is read here, because the map may be
    public.
    """
    level_index = {level.value: i for i, level in enumerate(MAP_LEVELS)}
    model_index: dict[str, int] = {model: i for i, model in enumerate(MODEL_287G_RANK)}
    states: dict[str, dict[str, Any]] = {
        fips: {"postal": postal, "name": name, "kind": kind, "floor": floor, "laws": []}
        for fips, postal, name, kind, floor in State.objects.order_by("fips").values_list(
            "fips", "postal", "name", "kind", "law_floor"
        )
    }
    laws = StateLaw.objects.order_by("state__fips", "-enacted_year", "title").values_list(
        "state__fips", "title", "effect"
    )
    for state_fips, title, effect in laws:
        states[state_fips]["laws"].append([title, effect])
    counties = {}
    rows = (
        Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY)
        .order_by("fips")
        .values_list("fips", "name", "level", "current_287g", "population", "pk", "is_legacy", "fourth_amendment_risk")
    )
    unknown = level_index[PolicyLevel.UNKNOWN]
    for fips, name, level, model, population, pk, is_legacy, risk in rows:
        counties[fips] = [
            name,
            level_index.get(level, unknown),
            model_index.get(model, -1),
            population,
            pk,
            int(is_legacy),
            risk,
        ]
    return {
        "version": 2,
        "columns": MAP_COUNTY_COLUMNS,
        "levels": [level.value for level in MAP_LEVELS],
        "models287g": [model.value for model in MODEL_287G_RANK],
        "floors": [floor.value for floor in MAP_FLOORS],
        "states": states,
        "counties": counties,
    }


# Whitelisted orderings of the jurisdiction list: ?sort=<key> or ?sort=-<key>. Level sorts from
# least to most protective with unknown last either way; missing populations and dates sort last.
_LEVEL_RANK = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(PolicyLevel.values) if level != "unknown"),
    default=None,
    output_field=IntegerField(),
)
JURISDICTION_SORTS = {
    "name": (F("name").asc(), F("state__name").asc()),
    "state": (F("state__name").asc(), F("name").asc()),
    "population": (F("population").asc(nulls_last=True), F("name").asc()),
    "level": (_LEVEL_RANK.asc(nulls_last=True), F("name").asc()),
    "updated": (F("policy_updated").asc(nulls_last=True), F("name").asc()),
}
JURISDICTION_DEFAULT_SORT = "state"


def jurisdiction_sort_key(sort: object) -> str:
    """The sort key to use: the one asked for when it is known, the default otherwise."""
    if isinstance(sort, str) and sort.removeprefix("-") in JURISDICTION_SORTS:
        return sort
    return JURISDICTION_DEFAULT_SORT


def jurisdiction_list_ordered(qs: QuerySet[Jurisdiction], sort: object) -> tuple[QuerySet[Jurisdiction], str]:
    """Order a jurisdiction queryset by a whitelisted key; ties broken by pk so pages never overlap."""
    key = jurisdiction_sort_key(sort)
    descending = key.startswith("-")
    orderings = []
    for expression in JURISDICTION_SORTS[key.removeprefix("-")]:
        if descending:
            # Reverse the direction but keep blanks last.
            orderings.append(
                expression.expression.desc(nulls_last=True) if expression.nulls_last else expression.expression.desc()
            )
        else:
            orderings.append(expression)
    return qs.order_by(*orderings, "pk"), key


def jurisdiction_with_any_active_287g() -> Exists:
    return Exists(Agreement287g.objects.filter(jurisdiction=OuterRef("pk"), status=Agreement287g.Status.ACTIVE))


def _detail_prefetches() -> list[Prefetch]:
    return [
        Prefetch("state__laws", queryset=StateLaw.objects.order_by("effect", "-enacted_year", "title")),
        Prefetch(
            "policy_records",
            queryset=PolicyRecord.objects.select_related("entered_by", "agreement__agency"),
        ),
        Prefetch(
            "agencies",
            queryset=Agency.objects.prefetch_related(
                Prefetch("officials", queryset=Official.objects.order_by("-is_active", "district", "title", "name"))
            ).order_by("kind", "name"),
        ),
        Prefetch(
            "agreements",
            queryset=Agreement287g.objects.select_related("agency")
            .prefetch_related(
                Prefetch(
                    "list_changes",
                    queryset=ListChange.objects.select_related("snapshot").order_by(
                        "snapshot__list_date", "snapshot__list_half", "pk"
                    ),
                )
            )
            .order_by(
                Case(When(status=Agreement287g.Status.ACTIVE, then=Value(0)), default=Value(1)),
                F("signed_date").desc(nulls_last=True),
            ),
        ),
    ]


_DETAIL_RELATED = ("state", "state__records_law", "parent", "parent__state")


def jurisdiction_detail_queryset() -> QuerySet[Jurisdiction]:
    """Jurisdictions with everything the county page shows: a fixed number of queries whatever the sizes."""
    return Jurisdiction.objects.select_related(*_DETAIL_RELATED).prefetch_related(
        *_detail_prefetches(), Prefetch("cities", queryset=Jurisdiction.objects.order_by("name"))
    )


def jurisdiction_page(pk: int) -> tuple[Jurisdiction, list[Jurisdiction]]:
    """(jurisdiction with everything its page shows, [its cities by name]); Jurisdiction.DoesNotExist when none.

    The jurisdiction and its cities are read in one query.
    """
    rows = list(
        Jurisdiction.objects.select_related(*_DETAIL_RELATED).filter(Q(pk=pk) | Q(parent_id=pk)).order_by("name", "pk")
    )
    jurisdiction = next((row for row in rows if row.pk == pk), None)
    if jurisdiction is None:
        raise Jurisdiction.DoesNotExist
    prefetch_related_objects([jurisdiction], *_detail_prefetches())
    return jurisdiction, [row for row in rows if row.pk != pk]


# --- officials -------------------------------------------------------------------------------------

# How far ahead the dashboards and digests look for elections in the counties of a reader's campaigns.
UPCOMING_ELECTION_MONTHS = 12


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def official_list(*, base: QuerySet[Official] | None = None) -> QuerySet[Official]:
    """Officials with their agency, its county and state: one query for a page of them."""
    qs = base if base is not None else Official.objects.all()
    return qs.select_related("agency__state", "agency__jurisdiction")


def official_list_ordered(qs: QuerySet[Official], *, by_election: bool = False) -> QuerySet[Official]:
    """The directory's order: by state, county, office and name; soonest election first when asked."""
    order: list[Any] = ["agency__state__name", "agency__jurisdiction__name", "office", "district", "name", "pk"]
    if by_election:
        order = [F("next_election").asc(nulls_last=True), *order]
    return qs.order_by(*order)


def official_page(pk: int | str) -> Official:
    """An official with their agency, its county and state; Official.DoesNotExist when none."""
    return official_list().get(pk=pk)


def upcoming_elections(
    *, jurisdictions: Iterable[int] | QuerySet[Any], today: datetime.date, until: datetime.date
) -> QuerySet[Official]:
    """Officials in office whose next election falls from `today` to `until`, in the agencies of
    `jurisdictions` (ids, or a query of ids), soonest first: one query."""
    return (
        official_list(base=Official.objects.filter(is_active=True, next_election__range=(today, until)))
        .filter(agency__jurisdiction__in=jurisdictions)
        .order_by("next_election", "agency__jurisdiction__name", "office", "district", "name", "pk")
    )


def list_snapshot_newest(*, kind: str) -> ListSnapshot | None:
    """The newest ICE list of a kind that was applied (an older one imported later changes nothing)."""
    return ListSnapshot.objects.filter(kind=kind, applied=True).order_by("-list_date", "-list_half", "-pk").first()


def list_changes_page() -> QuerySet[ListChange]:
    """What each ICE list changed, newest list first, with what each row shows read in the same query."""
    return ListChange.objects.select_related(
        "snapshot", "agreement__agency", "previous_agreement", "state", "jurisdiction"
    ).order_by("-snapshot__list_date", "-snapshot__list_half", "-snapshot_id", "state__name", "kind", "pk")


def list_snapshots_recent(*, limit: int = 10) -> list[ListSnapshot]:
    """The lists imported last, each with how many changes it recorded."""
    return list(ListSnapshot.objects.annotate(change_count=Count("changes")).order_by("-imported_at", "-pk")[:limit])


def follows_of(user: Any) -> dict[str, set[int]]:
    """{"counties": ids, "states": ids} a user follows (one query; none for someone not signed in)."""
    followed: dict[str, set[int]] = {"counties": set(), "states": set()}
    if not user.is_authenticated:
        return followed
    for jurisdiction_id, state_id in Follow.objects.filter(user=user).values_list("jurisdiction_id", "state_id"):
        if jurisdiction_id:
            followed["counties"].add(jurisdiction_id)
        elif state_id:
            followed["states"].add(state_id)
    return followed


def follow_list(user: Any) -> list[Follow]:
    """The places a user follows, states first, then counties by state and name."""
    return list(
        Follow.objects.filter(user=user)
        .select_related("jurisdiction__state", "state")
        .order_by(
            F("jurisdiction").asc(nulls_first=True), "state__name", "jurisdiction__state__name", "jurisdiction__name"
        )
    )


def federal_designations_for(jurisdiction: Jurisdiction) -> list[FederalDesignation]:
    """The federal lists naming this county, its state, or the state's cities (one query)."""
    county_ids = [pk for pk in (jurisdiction.pk, jurisdiction.parent_id) if pk]
    return list(
        FederalDesignation.objects.filter(
            Q(jurisdiction_id__in=county_ids)
            | Q(
                state_id=jurisdiction.state_id,
                level__in=[FederalDesignation.Level.STATE, FederalDesignation.Level.CITY],
            )
        ).order_by("-listed_on", "level", "name")
    )


# The dimensions people research and enter; 287(g) comes from ICE's list.
RESEARCHED_DIMENSIONS = [Dimension.HOLDS, Dimension.NOTIFICATIONS, Dimension.JAIL_ACCESS, Dimension.BED_CONTRACT]


def policy_source_counts() -> dict[str, int]:
    """How many counties have policy records from real sources, and how many only demo records (one query).

    Shown beside the map and the county list so that nobody mistakes demo data for fact.
    """
    researched = PolicyRecord.objects.filter(jurisdiction=OuterRef("pk"), dimension__in=RESEARCHED_DIMENSIONS)
    sourced = Exists(researched.filter(is_demo=False))
    demo = Exists(researched.filter(is_demo=True))
    counts = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY).aggregate(
        sourced=Count("pk", filter=Q(sourced)),
        demo_only=Count("pk", filter=Q(demo) & ~Q(sourced)),
    )
    return {"sourced": counts["sourced"] or 0, "demo_only": counts["demo_only"] or 0}


def jurisdiction_changes(jurisdiction: Jurisdiction, user: AnyUser) -> list[Entry]:
    """The county page's History panel: changes to its policy records and 287(g) agreements, newest first.
    For signed-in readers only: it names who made each change."""
    if not user.is_authenticated:
        return []
    histories = [
        PolicyRecord.history.model.objects.filter(jurisdiction_id=jurisdiction.pk),
        Agreement287g.history.model.objects.filter(jurisdiction_id=jurisdiction.pk),
    ]
    organization_ids: list[set[int]] = []  # the reader's, read once when an internal note needs them

    def hidden(row: Any) -> set[str]:
        if not getattr(row, "note_internal", False) or row.organization_id is None:
            return set()
        if not organization_ids:
            organization_ids.append(organization_ids_of(user))
        return set() if internal_note_readable(row, user, organization_ids[0]) else {"note"}

    return recent_history(histories, hidden=hidden)


def official_changes(official: Official, user: AnyUser) -> list[Entry]:
    """An official's History panel, for signed-in readers only."""
    if not user.is_authenticated:
        return []
    return record_history(official)
