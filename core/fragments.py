"""Parts of pages kept in the shared cache as HTML, under the generations of the data they show.

A fragment's key holds its name, what the page varies on (`vary`: the row ids, the query, the
reader's rights), the current generations of the kinds of data it shows (core.generations), the
language, the time zone and the day; a write to any of that data renews a generation, so a cached
copy is never served after the write. What belongs to the request and not to the data is left out of
the cached HTML and put in when it is served: the CSRF token, and `live` parts (what only this
reader sees).
"""

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import generations

# Bounds the life of a copy nobody asks for any more; a current copy is never older than its data.
FRAGMENT_SECONDS = 60 * 60
# Stands for the reader's CSRF token in cached HTML ({% csrf_token %} and {{ csrf_token }}).
CSRF_MARK = "csrf-token-of-the-request"


def query_vary(request):
    """The request's query string as a value of `vary`: the same parameters in any order give one key."""
    return tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))


def minute(now):
    """`now` to the minute, as a value of `vary` for HTML that says how long ago something was."""
    return now.replace(second=0, microsecond=0).isoformat()


def live_mark(name):
    return f"<!--live:{name}-->"


def fragment_key(name, vary, kinds):
    """The cache key of fragment `name` for these `vary` values, as the data of `kinds` stands now."""
    parts = [
        *map(str, vary),
        *generations.current(*kinds),
        get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"fragment:{name}:{digest}"


def cached(name, *, vary, kinds, make, timeout=FRAGMENT_SECONDS):
    """make(), kept in the cache under fragment_key(name, vary, kinds): for values that are not HTML."""
    key = fragment_key(name, vary, kinds)
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, timeout)
    return value


def cached_fragment(request, template_name, *, vary, kinds, context, live=None):
    """The HTML of `template_name` from the cache, or rendered (context() gives its context) and kept.

    `kinds`: the generations of the data it shows; `vary`: everything else the HTML depends on except
    the language, the time zone and the day (always in the key). `live`: {name: HTML} put in at
    {{ live.name }}, made for this request and never cached.
    """

    def make():
        values = context()
        values["csrf_token"] = CSRF_MARK
        values["live"] = {name: mark_safe(live_mark(name)) for name in live or {}}
        return render_to_string(template_name, values, request=request)

    html = cached(template_name, vary=vary, kinds=kinds, make=make)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    for name, part in (live or {}).items():
        html = html.replace(live_mark(name), str(part))
    return mark_safe(html)
