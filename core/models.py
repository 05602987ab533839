"""What the project's models share."""

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

# field -> {value: label}, built once per field: the labels stay lazy, so each call still translates.
_LABELS: dict[object, dict] = {}


class ChoiceLabelsMixin:
    """`get_FOO_display()` from a dict built once per field, not once per call.

    Django rebuilds the whole choices dict (hashing every lazy label, which translates it) on every
    call; on a list page of a few hundred labels that was a tenth of the page's time.
    """

    def _get_FIELD_display(self, field):
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field, say)
            label = labels.get(make_hashable(value), value)
        return force_str(label, strings_only=True)


class ThrottleAttempt(models.Model):
    """One attempt counted by core.throttle (a password-reset request, a wrong API token), in the database
    like django-axes' failed sign-ins: whether a request is refused never depends on the cache."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)  # SHA-256 of the email or address, never the value itself
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="throttle_scope_key_at_idx")]

    def __str__(self):
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M:%S}"
