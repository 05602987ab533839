"""Bench-only views: they answer only when settings.BENCH_VIEWS is on (`make bench` sets it)."""

from django.conf import settings
from django.http import Http404, HttpResponse


def floor(request):
    """The floor of `make bench`: Django's request cycle with a fixed small response and no database."""
    if not settings.BENCH_VIEWS:
        raise Http404
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
