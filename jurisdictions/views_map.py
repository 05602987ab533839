"""The national policy map: the page, and the one JSON document it draws every county from."""

import gzip
import hashlib
import json
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from . import selectors, services
from .access import map_is_public, public_or_login
from .models import State, StateFloor

MAP_PAYLOAD_KEY = "jurisdictions:map-data:v2"
# Any write to a place starts a new generation (services.map_generation: core.generations), which no
# copy outlives. This timeout only frees the memory of a copy nobody asks for.
MAP_CACHE_SECONDS = 15 * 60

# This process's copy, as stored in the shared cache: (generation, expiry as a Unix time, payload).
# A warm request reads only the small generation key from the cache, not the 200 KB payload.
_process_copy = None


def _build_payload():
    raw = json.dumps(selectors.map_data(), separators=(",", ":"), ensure_ascii=False).encode()
    etag = f'W/"{hashlib.sha256(raw).hexdigest()[:32]}"'
    return (etag, raw, gzip.compress(raw, compresslevel=9, mtime=0))


def _is_current(copy, generation):
    return copy is not None and copy[0] == generation and time.time() < copy[1]


def map_payload():
    """(etag, JSON bytes, gzipped JSON bytes) of the map's current generation.

    Warm: one get of the generation key. First request in a process after a change: one more get, of
    the shared copy. Cold: three queries.
    """
    global _process_copy
    # Read before the data: a policy change that commits while the data is read starts a newer
    # generation, so the copy built here can never pass for current once that change is visible.
    generation = services.map_generation()
    held = _process_copy
    if _is_current(held, generation):
        return held[2]
    shared = cache.get(MAP_PAYLOAD_KEY)
    if _is_current(shared, generation):
        _process_copy = shared
        return shared[2]
    payload = _build_payload()
    built = (generation, time.time() + MAP_CACHE_SECONDS, payload)
    # Not stored when a change committed meanwhile: it would only push out a newer copy. (A change
    # committing right after this check is harmless too: readers compare the tag with the generation.)
    if services.map_generation() == generation:
        cache.set(MAP_PAYLOAD_KEY, built, MAP_CACHE_SECONDS)
        _process_copy = built
    return payload


def _accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


@public_or_login
def map_data(request):
    """All counties as compact JSON (see selectors.map_data), precompressed, with an ETag."""
    etag, raw, gzipped = map_payload()
    response = get_conditional_response(request, etag=etag)
    if response is None:
        if _accepts_gzip(request):
            response = HttpResponse(gzipped, content_type="application/json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(raw, content_type="application/json")
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    if map_is_public():
        patch_cache_control(response, public=True, max_age=60)
    else:
        # Signed-in users only: no shared cache may keep it; browsers revalidate with the ETag.
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _map_strings():
    """Everything the map's script shows, translated here because the script holds no English."""
    levels = {level.value: str(level.label) for level in selectors.MAP_LEVELS}
    return {
        "levels": levels,
        "models287g": {model.value: str(model.label) for model in selectors.MODEL_287G_RANK},
        "floors": {floor.value: str(floor.label) for floor in StateFloor},
        "lawEffects": {"limits": _("limits cooperation"), "mandates": _("mandates cooperation")},
        "population": _("Population"),
        "populationUnknown": _("not known"),
        "level": _("Overall level"),
        "model287g": _("287(g)"),
        "no287g": _("No active agreement"),
        "stateLaw": _("State law"),
        "open": _("Open the county page"),
        "legacy": _(
            "Former Connecticut county: Connecticut has had no county government since 1960. "
            "This map's boundaries predate the nine planning regions, so the former county is drawn."
        ),
        "combined": _(
            "One shape on this map covers these census areas; it shows the less protective of their known levels."
        ),
        "noData": _("No data for this shape"),
        "close": _("Close"),
        "loadError": _("The map could not be loaded. Try again, or use the list."),
        "notDrawn": _("Not drawn on this map ({count})"),
        "notDrawnState": _("{state}: {names}"),
        "shapesWithoutData": _("Shapes on the map with no data ({count})"),
    }


@public_or_login
def jurisdiction_map(request):
    states = list(
        State.objects.exclude(kind=State.Kind.TERRITORY).order_by("name").values_list("postal", "name", "fips")
    )
    selected = request.GET.get("state", "").upper()
    if selected not in {postal for postal, _name, _fips in states}:
        selected = ""
    return render(
        request,
        "jurisdictions/map.html",
        {
            "states": states,
            "selected_state": selected,
            "levels": [(level.value, level.label) for level in selectors.MAP_LEVELS],
            "models287g": [(model.value, model.label) for model in selectors.MODEL_287G_RANK],
            "floors": [(floor.value, StateFloor(floor).label) for floor in selectors.MAP_FLOORS],
            "map_strings": _map_strings(),
        },
    )
