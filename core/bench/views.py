"""Bench-only views, routed only when settings.BENCH_VIEWS is on (`make bench` sets it)."""

from django.http import HttpResponse


def floor(request):
    """The floor of `make bench`: Django's request cycle with a fixed small response and no database."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
