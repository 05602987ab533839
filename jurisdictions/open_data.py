"""Open data: every county's policy as CSV and GeoJSON, with the source and date of each fact.

One row (or GeoJSON feature) per county, Connecticut's former counties included and marked: the overall
level, the state-law floor and the laws behind it, the current record of each dimension with its date,
source and whether it is demo data, the judicial-warrant answer and the Fourth Amendment flag, every
287(g) agreement with its dates and memorandum, and the day the policy last changed. Values are codes
(``limits_holds``, ``honors_all``...), the same in every language; README.md lists them.

Counties are read in chunks of CHUNK_SIZE by FIPS, three queries a chunk (counties, their policy records,
their agreements) after one for the state laws, so the number of queries does not depend on the rows
shown but on how many chunks they fill; nothing about campaigns is read. The county shapes come from the
us-atlas TopoJSON the map draws (unprojected longitude and latitude), decoded here once per process.
"""

import csv
import io
import json
import os
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse

from core.cells import escape_formula

from .models import Agreement287g, Dimension, Jurisdiction, StateLaw
from .selectors import current_policy_values

CHUNK_SIZE = 500
ATLAS = "vendor/us-atlas/counties-10m.json"
# Longitude and latitude to 5 decimals (about a metre): finer than the shapes' own precision.
COORDINATE_DECIMALS = 5
# The dimensions with a record of their own; 287(g) is given by the agreements themselves.
RECORD_DIMENSIONS = [Dimension.HOLDS, Dimension.NOTIFICATIONS, Dimension.JAIL_ACCESS, Dimension.BED_CONTRACT]


class ShapesMissing(Exception):
    """The us-atlas county shapes are not installed (npm run build copies them into static/vendor)."""


def _flag(value):
    return "" if value is None else ("true" if value else "false")


# What is read of each current record.
RECORD_FIELDS = (
    "pk",
    "value",
    "effective_date",
    "source_url",
    "source_document",
    "is_demo",
    "created_at",
    "judicial_warrant",
)
COUNTY_FIELDS = (
    "pk",
    "fips",
    "name",
    "county_type",
    "is_legacy",
    "population",
    "population_year",
    "level",
    "current_287g",
    "fourth_amendment_risk",
    "policy_updated",
    "state_id",
    "state__postal",
    "state__name",
    "state__law_floor",
)


def _record(record, document_url):
    """A dimension's current record as the open data gives it (None when there is none)."""
    if record is None:
        return None
    source = record["source_url"] or (document_url(record["pk"]) if record["source_document"] else "")
    return {
        "value": record["value"],
        "effective_date": record["effective_date"].isoformat(),
        "source": source,
        "demo": record["is_demo"],
        "entered": record["created_at"].date().isoformat(),
    }


def county_rows(*, absolute):
    """Each county's open data, as a dict, in FIPS order. `absolute(path)` makes the links absolute."""
    laws = {}
    for state_id, title, effect, source_url in StateLaw.objects.order_by(
        "state_id", "-enacted_year", "title"
    ).values_list("state_id", "title", "effect", "source_url"):
        laws.setdefault(state_id, []).append({"title": title, "effect": effect, "source": source_url})
    detail = absolute(reverse("jurisdictions:detail", args=[999_999_999])).replace("999999999", "{}")
    document = absolute(reverse("jurisdictions:policy-document", args=[999_999_999])).replace("999999999", "{}")
    counties = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.COUNTY).order_by("fips").values(*COUNTY_FIELDS)
    last_fips = ""
    while True:
        chunk = list(counties.filter(fips__gt=last_fips)[:CHUNK_SIZE])
        if not chunk:
            return
        last_fips = chunk[-1]["fips"]
        ids = [county["pk"] for county in chunk]
        records = current_policy_values(ids, fields=RECORD_FIELDS)
        agreements = {}
        for row in (
            Agreement287g.objects.filter(jurisdiction_id__in=ids)
            .order_by("jurisdiction_id", "-signed_date", "pk")
            .values(
                "jurisdiction_id",
                "agency__name",
                "model",
                "status",
                "signed_date",
                "end_date",
                "moa_url",
                "last_listed",
            )
        ):
            agreements.setdefault(row["jurisdiction_id"], []).append(
                {
                    "agency": row["agency__name"],
                    "model": row["model"],
                    "status": row["status"],
                    "signed_date": row["signed_date"].isoformat() if row["signed_date"] else None,
                    "end_date": row["end_date"].isoformat() if row["end_date"] else None,
                    "source": row["moa_url"],
                    "on_ice_list_of": row["last_listed"].isoformat() if row["last_listed"] else None,
                }
            )
        for county in chunk:
            current = records.get(county["pk"], {})
            dimensions = {
                dimension.value: _record(current.get(dimension), document.format) for dimension in RECORD_DIMENSIONS
            }
            holds = current.get(Dimension.HOLDS)
            yield {
                "fips": county["fips"],
                "name": county["name"],
                "state": county["state__postal"],
                "state_name": county["state__name"],
                "county_type": county["county_type"],
                "former_county": county["is_legacy"],
                "population": county["population"],
                "population_year": county["population_year"],
                "level": county["level"],
                "state_law_floor": county["state__law_floor"] or "none",
                "state_laws": laws.get(county["state_id"], []),
                "policy": dimensions,
                "judicial_warrant": holds["judicial_warrant"] if holds else None,
                "fourth_amendment_risk": county["fourth_amendment_risk"],
                "model_287g": county["current_287g"],
                "agreements_287g": agreements.get(county["pk"], []),
                "policy_updated": county["policy_updated"].isoformat() if county["policy_updated"] else None,
                "demo_data": any(record and record["demo"] for record in dimensions.values()),
                "page": detail.format(county["pk"]),
            }


# --- CSV ---------------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "fips",
    "name",
    "state",
    "state_name",
    "county_type",
    "former_county",
    "population",
    "population_year",
    "level",
    "state_law_floor",
    "state_laws",
    "state_law_sources",
    *[
        f"{dimension.value}{suffix}"
        for dimension in RECORD_DIMENSIONS
        for suffix in ("", "_effective_date", "_source", "_demo")
    ],
    "judicial_warrant",
    "fourth_amendment_risk",
    "model_287g",
    "agreements_287g",
    "agreements_287g_sources",
    "policy_updated",
    "demo_data",
    "page",
]
# Several values in one cell (laws, agreements) are separated by this.
LIST_SEPARATOR = " | "


def _agreement_text(agreement):
    dates = agreement["signed_date"] or "?"
    if agreement["end_date"]:
        dates += f" to {agreement['end_date']}"
    return f"{agreement['agency']}: {agreement['model']}, {agreement['status']}, {dates}"


def csv_row(county):
    row = {name: county.get(name) for name in CSV_COLUMNS if name in county}
    row["former_county"] = _flag(county["former_county"])
    row["state_laws"] = LIST_SEPARATOR.join(f"{law['title']} ({law['effect']})" for law in county["state_laws"])
    row["state_law_sources"] = LIST_SEPARATOR.join(law["source"] for law in county["state_laws"] if law["source"])
    for dimension, record in county["policy"].items():
        row[dimension] = record["value"] if record else ""
        row[f"{dimension}_effective_date"] = record["effective_date"] if record else ""
        row[f"{dimension}_source"] = record["source"] if record else ""
        row[f"{dimension}_demo"] = _flag(record["demo"]) if record else ""
    row["judicial_warrant"] = _flag(county["judicial_warrant"])
    row["fourth_amendment_risk"] = _flag(county["fourth_amendment_risk"])
    row["agreements_287g"] = LIST_SEPARATOR.join(_agreement_text(a) for a in county["agreements_287g"])
    row["agreements_287g_sources"] = LIST_SEPARATOR.join(a["source"] for a in county["agreements_287g"] if a["source"])
    row["demo_data"] = _flag(county["demo_data"])
    return [escape_formula("" if row.get(name) is None else str(row[name])) for name in CSV_COLUMNS]


def csv_chunks(rows):
    """The CSV as pieces of text: the header, then the rows, CHUNK_SIZE at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, county in enumerate(rows, 1):
        writer.writerow(csv_row(county))
        if n % CHUNK_SIZE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- GeoJSON -------------------------------------------------------------------------------------------


def atlas_path():
    path = finders.find(ATLAS)
    if not path:
        try:
            path = staticfiles_storage.path(ATLAS)
        except NotImplementedError:
            path = None
    if not path or not os.path.exists(path):
        raise ShapesMissing(ATLAS)
    return path


@lru_cache(maxsize=2)
def _shapes(path, modified):
    """{county FIPS: GeoJSON geometry} decoded from the TopoJSON at `path` (kept per file and version)."""
    with open(path, encoding="utf-8") as handle:
        topology = json.load(handle)
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(
                [round(x * scale_x + shift_x, COORDINATE_DECIMALS), round(y * scale_y + shift_y, COORDINATE_DECIMALS)]
            )
        arcs.append(points)

    def ring(indexes):
        points = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    shapes = {}
    for geometry in topology["objects"]["counties"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            shapes[geometry["id"]] = {"type": "Polygon", "coordinates": [ring(r) for r in geometry["arcs"]]}
        elif kind == "MultiPolygon":
            shapes[geometry["id"]] = {
                "type": "MultiPolygon",
                "coordinates": [[ring(r) for r in polygon] for polygon in geometry["arcs"]],
            }
    return shapes


def county_shapes():
    """{county FIPS: geometry} of the map's shapes; ShapesMissing when they are not installed."""
    path = atlas_path()
    return _shapes(path, os.path.getmtime(path))


def geojson_chunks(rows, *, metadata):
    """A GeoJSON FeatureCollection as pieces of text, one county a feature (no geometry when the shapes of
    this vintage have none for it: Connecticut's planning regions, Chugach and Copper River)."""
    shapes = county_shapes()
    head = json.dumps({"type": "FeatureCollection", "metadata": metadata}, ensure_ascii=False)
    yield head[:-1] + ', "features": ['
    pieces = []
    for n, county in enumerate(rows):
        feature = {
            "type": "Feature",
            "id": county["fips"],
            "geometry": shapes.get(county["fips"]),
            "properties": county,
        }
        pieces.append(("," if n else "") + json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        if len(pieces) == CHUNK_SIZE:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "]}"
