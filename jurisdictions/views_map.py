"""The national policy map: the page, the one JSON document it draws every county from, and the embeddable map."""

import hashlib
import json
import logging
import re

from csp.constants import NONE
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition

from . import selectors, services
from .access import map_is_public, public_or_login
from .models import ListSnapshot, State, StateFloor


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
    context = _map_context(request)
    if map_is_public():
        # The snippet another site pastes to show this map; the embed takes the same ?state=.
        context["embed_url"] = request.build_absolute_uri(reverse("embed-map"))
        context["embed_origins"] = " ".join(frame_ancestors())
    return render(request, "jurisdictions/map.html", context)


# --- the embeddable map -------------------------------------------------------------------------

logger = logging.getLogger(__name__)
# What an origin in EMBED_ALLOWED_ORIGINS may look like: a scheme and host (a leading "*." allowed), an
# optional port. Anything else could smuggle another directive into the header, and is left out.
ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?$")


def frame_ancestors():
    """The origins that may frame the embeddable map (EMBED_ALLOWED_ORIGINS), or ["'none'"]."""
    allowed = []
    for origin in settings.EMBED_ALLOWED_ORIGINS:
        origin = origin.strip().rstrip("/")
        if ORIGIN.match(origin):
            allowed.append(origin)
        elif origin:
            logger.warning("EMBED_ALLOWED_ORIGINS: %r is not an origin such as https://example.org; left out", origin)
    return allowed or [NONE]


def _map_context(request):
    states = list(
        State.objects.exclude(kind=State.Kind.TERRITORY).order_by("name").values_list("postal", "name", "fips")
    )
    selected = request.GET.get("state", "").upper()
    if selected not in {postal for postal, _name, _fips in states}:
        selected = ""
    return {
        "states": states,
        "selected_state": selected,
        "levels": [(level.value, level.label) for level in selectors.MAP_LEVELS],
        "models287g": [(model.value, model.label) for model in selectors.MODEL_287G_RANK],
        "floors": [(floor.value, StateFloor(floor).label) for floor in selectors.MAP_FLOORS],
        "map_strings": _map_strings(),
        # The 287(g) layer says which of ICE's lists it shows.
        "list_287g": selectors.list_snapshot_newest(kind=ListSnapshot.Kind.PARTICIPATING),
        "source_counts": selectors.policy_source_counts(),
    }


@xframe_options_exempt
def embed_map(request):
    """The public map alone, for another site's iframe: legend and county details, nothing about campaigns.

    Only when the map is public (404 otherwise, even for a signed-in reader: it is meant for others'
    sites). Framed only by EMBED_ALLOWED_ORIGINS; `?lang=es` picks the language, whatever the browser.
    """
    if not map_is_public():
        raise Http404("The map is not public.")
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        context = _map_context(request)
        context.update(embed=True, full_map_url=request.build_absolute_uri(reverse("jurisdictions:map")))
        response = render(request, "jurisdictions/embed_map.html", context)
    # The site's policy (django-csp) with this page's frame-ancestors in place of 'none'.
    response._csp_replace = {"frame-ancestors": frame_ancestors()}
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    patch_cache_control(response, public=True, max_age=300)
    return response
