"""What the project's models share."""

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
