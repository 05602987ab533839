"""Making and revoking API tokens and calendar feed addresses. Each returns the secret once; only its hash is kept."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import TOKEN_NAME_MAX_LENGTH, TOKEN_PREFIX, ApiToken, CalendarFeed, hash_secret, new_secret

MAX_ACTIVE_TOKENS = 20
# Lifetimes a token may be given, in days; the longest is the default (API_TOKEN_LIFETIME_DAYS, a year).
TOKEN_LIFETIMES = (30, 90, 365)


def default_token_lifetime() -> int:
    return getattr(settings, "API_TOKEN_LIFETIME_DAYS", 365)


def api_token_create(
    *, user: User, name: str | None, scope: str = ApiToken.Scope.READ, lifetime_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new API token for `user`, read-only unless `scope` says WRITE, expiring after `lifetime_days`
    (API_TOKEN_LIFETIME_DAYS by default). Returns (token row, the secret to show once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you know later what uses it.")})
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.filter(name=name).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": _("You have %(count)d tokens: revoke one first.") % {"count": MAX_ACTIVE_TOKENS}}
        )
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose what the token may do.")})
    lifetime_days = lifetime_days or default_token_lifetime()
    if not 1 <= lifetime_days <= default_token_lifetime():
        raise ValidationError(
            {"lifetime": _("A token lasts at most %(days)d days.") % {"days": default_token_lifetime()}}
        )
    secret = TOKEN_PREFIX + new_secret()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=secret[: len(TOKEN_PREFIX) + 6],
                key_hash=hash_secret(secret),
                scope=scope,
                expires_at=timezone.now() + datetime.timedelta(days=lifetime_days),
            )
    except IntegrityError:
        raise ValidationError({"name": _("You already have a token with this name.")}) from None
    return token, secret


def api_token_revoke(*, user: User, token_id: int | str) -> bool:
    """Revoke one of the user's tokens (a token of someone else is not found). Returns whether one was revoked."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def api_token_authenticate(secret: str | None) -> ApiToken | None:
    """The unrevoked token whose secret this is (with its user), or None. The caller checks its expiry."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


# How often a token's "last used" time is written: not on every request.
LAST_USED_RESOLUTION_SECONDS = 300


def _touch(obj: Model, field: str, resolution_seconds: int) -> None:
    """Set `obj`'s time `field` to now, writing it only when what is stored is older than the resolution."""
    now = timezone.now()
    last = getattr(obj, field)
    if last is None or (now - last).total_seconds() > resolution_seconds:
        type(obj)._default_manager.filter(pk=obj.pk).update(**{field: now})
        setattr(obj, field, now)


def api_token_touch(token: ApiToken) -> None:
    _touch(token, "last_used_at", LAST_USED_RESOLUTION_SECONDS)


def calendar_feed_regenerate(*, user: User) -> str:
    """Make (or replace) the user's calendar feed address; the old one stops working at once. Returns the secret."""
    secret = new_secret()
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user,
            defaults={"token_hash": hash_secret(secret), "created_at": timezone.now(), "last_fetched_at": None},
        )
    return secret


def calendar_feed_revoke(*, user: User) -> bool:
    return CalendarFeed.objects.filter(user=user).delete()[0] > 0


# How often a feed's "last read" time is written: calendar apps poll, and most polls change nothing.
LAST_FETCHED_RESOLUTION_SECONDS = 300


def calendar_feed_touch(feed: CalendarFeed) -> None:
    _touch(feed, "last_fetched_at", LAST_FETCHED_RESOLUTION_SECONDS)


def calendar_feed_user(secret: str | None) -> CalendarFeed | None:
    """The feed whose secret this is, with its user and their profile, or None (unknown, revoked, or
    user deactivated)."""
    if not secret or len(secret) > 200:
        return None
    feed = CalendarFeed.objects.select_related("user__profile").filter(token_hash=hash_secret(secret)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed
