from django.conf import settings

from .roles import role_of


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "PUBLIC_MAP": settings.PUBLIC_MAP,
        "user_role": role_of(request.user) if hasattr(request, "user") else None,
    }
