"""API sign-in with a token: `Authorization: Bearer <token>` (tokens are made on the API tokens page)."""

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from core.throttle import client_ip, throttle_count, throttle_hit

from .services import api_token_authenticate, api_token_touch

THROTTLE_SCOPE = "api-token-failures"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A bearer token: unrevoked, unexpired, and for a read-only token a safe method only.

    An address that sent API_TOKEN_FAILURE_LIMIT wrong tokens within API_TOKEN_FAILURE_WINDOW seconds gets
    429 for any token until the window ends, so secrets cannot be guessed at speed.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        address = client_ip(request)
        window = settings.API_TOKEN_FAILURE_WINDOW
        if throttle_count(THROTTLE_SCOPE, address, window=window) >= settings.API_TOKEN_FAILURE_LIMIT:
            raise exceptions.Throttled(wait=window, detail="Too many wrong tokens from this address; try again later.")
        token = None
        if len(header) == 2:
            try:
                token = api_token_authenticate(header[1].decode())
            except UnicodeError:
                token = None
        if token is None:
            throttle_hit(THROTTLE_SCOPE, address, window=window)
            if len(header) != 2:
                raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
            raise exceptions.AuthenticationFailed("The token is not valid, or it was revoked.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("The token expired: make a new one on the API tokens page.")
        if token.read_only and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied("This token may only read: make one that may change data.")
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no credentials were sent.
        return f'{self.keyword} realm="api"'
