"""Middleware of the whole site."""

from . import generations


def generations_scope(get_response):
    """Each request reads the generations (core.generations) once, together, at its first ask."""

    def middleware(request):
        with generations.scope():
            return get_response(request)

    return middleware
