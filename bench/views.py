"""The floor of `make bench`, served only by the bench's URLconf (bench.urls), never by the site's."""

from django.http import HttpResponse


def floor(request):
    """Django's request cycle with a fixed small response and no database."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
