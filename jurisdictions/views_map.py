"""The national policy map: the page, and the one JSON document it draws every county from."""

import hashlib
import json

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition

from . import selectors, services
from .access import map_is_public, public_or_login
from .models import State, StateFloor


def _build_payload():
    raw = json.dumps(selectors.map_data(), separators=(",", ":"), ensure_ascii=False).encode()
    return {"etag": hashlib.sha256(raw).hexdigest()[:32], "json": raw}


def map_payload():
    """{"etag", "json"} of every county, from the shared cache (jurisdictions.services.MAP_CACHE_KEY)."""
    try:
        return cache.get_or_set(services.MAP_CACHE_KEY, _build_payload, services.MAP_CACHE_SECONDS)
    except services.CACHE_ERRORS:
        services.logger.warning("The cache does not answer: the map's JSON is built for this request")
        return _build_payload()


def _map_etag(request):
    return map_payload()["etag"]


@public_or_login
@gzip_page
@condition(etag_func=_map_etag)
def map_data(request):
    """All counties as compact JSON (see selectors.map_data), with an ETag; gzipped when the browser takes it."""
    response = HttpResponse(map_payload()["json"], content_type="application/json")
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
        "fourth": _("Fourth Amendment"),
        "fourthValues": {
            "true": _("At risk: honors ICE holds without a judicial warrant"),
            "false": _("Not at risk"),
            "null": _("Not known"),
        },
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
