"""Secrets that let other programs read a user's data: API tokens and the calendar feed.

Only a SHA-256 hash of each secret is stored. The secrets are long random strings (256 bits), so a
fast hash is enough to make a leaked table useless, and it lets a request find its token by an
indexed lookup. The secret itself is shown once, when it is made.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabelsMixin

TOKEN_PREFIX = "cdk_"
TOKEN_NAME_MAX_LENGTH = 100


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(ChoiceLabelsMixin, models.Model):
    """One named token of a user for the REST API (`Authorization: Bearer <token>`); a user may have several.

    A token works until it expires or is revoked, and a read-only one may read what its owner may, never
    change it.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and change")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        _("name"), max_length=TOKEN_NAME_MAX_LENGTH, help_text=_("What uses it, e.g. “coalition spreadsheet”.")
    )
    # The first characters of the secret, so the user can tell tokens apart; not enough to guess the rest.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    scope = models.CharField(_("may"), max_length=5, choices=Scope.choices, default=Scope.READ)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], condition=Q(revoked_at__isnull=True), name="apitoken_active_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_idx")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def read_only(self):
        return self.scope == self.Scope.READ


class CalendarFeed(ChoiceLabelsMixin, models.Model):
    """The secret address of a user's deadlines as an iCalendar feed: /calendar/<token>.ics."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"Calendar feed of {self.user}"
