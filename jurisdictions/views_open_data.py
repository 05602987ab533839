"""Open data: /jurisdictions/export.csv and /jurisdictions/export.geojson, public when the map is."""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import open_data
from .access import map_is_public, public_or_login
from .models import DIMENSION_VALUES, Model287g, PolicyLevel, StateFloor


def _response(chunks, *, content_type, extension):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="counties-{timezone.localdate():%Y-%m-%d}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    if map_is_public():
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@public_or_login
def export_csv(request):
    """Every county's policy with the source and date of each fact, as CSV (UTF-8, a header row)."""
    rows = open_data.county_rows(absolute=request.build_absolute_uri)
    return _response(open_data.csv_chunks(rows), content_type="text/csv; charset=utf-8", extension="csv")


@public_or_login
def export_geojson(request):
    """The same as GeoJSON: one feature a county, its shape from the map's TopoJSON (RFC 7946, WGS 84)."""
    try:
        open_data.county_shapes()
    except open_data.ShapesMissing:
        return HttpResponse(
            "The county shapes are not installed: run `npm run build` (make setup does) and collectstatic.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    metadata = {
        "title": "Local cooperation with ICE, county by county",
        "publisher": settings.SITE_NAME,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "description": (
            "One feature per county. policy holds each dimension's current record (value, effective_date, "
            "source, demo); demo true marks synthetic records made for a demonstration, not real policy. "
            "fourth_amendment_risk is true when the jail honors all or some ICE holds without a judicial "
            "warrant, null when not known. Shapes: us-atlas (Census cartographic boundaries); a county "
            "without a shape in that vintage has a null geometry."
        ),
        "codes": {
            "level": list(PolicyLevel.values),
            "state_law_floor": [value or "none" for value in StateFloor.values],
            "model_287g": list(Model287g.values),
            "policy": {
                dimension: list(values) for dimension, values in DIMENSION_VALUES.items() if dimension != "287g"
            },
        },
    }
    rows = open_data.county_rows(absolute=request.build_absolute_uri)
    chunks = open_data.geojson_chunks(rows, metadata=metadata)
    return _response(chunks, content_type="application/geo+json", extension="geojson")
