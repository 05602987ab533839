"""Search selects: a choice among many rows (counties, people, resources) that searches as you type.

The <select> is drawn with its chosen options alone; static/js/search-select.js makes it a Tom Select that
asks a JSON endpoint for the options matching what is typed. The endpoints read their query with
OptionsQuery, find the rows with `matching` and answer with `options_response`. The form field keeps its
whole queryset, so any row of it is accepted and anything else is a form error.
"""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.forms.models import ModelChoiceIterator
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

# How many options an endpoint sends for one search: enough to choose from, few enough to read.
OPTIONS_LIMIT = 20


class SearchSelectMixin:
    def __init__(self, url_name, *, params=None, narrowed_by=None, attrs=None):
        """url_name: the endpoint's URL name; params: what it is always sent besides `q`; narrowed_by: the id
        of a field whose value is sent too (the state of a county), under its name."""
        super().__init__(attrs)
        self.url_name = url_name
        self.params = dict(params or {})
        self.narrowed_by = narrowed_by

    def __deepcopy__(self, memo):
        # Each form's copy of the widget may be given params of its own (the campaign whose team it adds to).
        obj = super().__deepcopy__(memo)
        obj.params = self.params.copy()
        return obj

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        url = reverse(self.url_name)
        if self.params:
            url = f"{url}?{urlencode(self.params)}"
        attrs["data-search-url"] = url
        attrs["data-search-no-results"] = _("Nothing matches. Type part of the name.")
        attrs["data-search-remove"] = _("Remove")
        if self.allow_multiple_selected:
            attrs.setdefault("data-placeholder", _("Type to search"))
        if self.narrowed_by:
            attrs["data-search-depends"] = self.narrowed_by
        return attrs

    def optgroups(self, name, value, attrs=None):
        every = self.choices
        self.choices = self.chosen_choices(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every

    def chosen_choices(self, value):
        """The empty choice (of a single select) and those of `value`, read from the database when the
        choices are a queryset's; values that cannot be a row's are left out."""
        wanted = {str(v) for v in value if v not in (None, "")}
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            empty = "" if not self.allow_multiple_selected else None
            return [(v, label) for v, label in choices if str(v) in wanted or v == empty]
        field = choices.field
        chosen = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            chosen.append(("", field.empty_label))
        model = field.queryset.model
        key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
        keys = []
        for raw in wanted:
            try:
                keys.append(key.to_python(raw))
            except ValidationError:
                continue
        if keys:
            chosen.extend(choices.choice(obj) for obj in field.queryset.filter(**{f"{key.attname}__in": keys}))
        return chosen


class SearchSelect(SearchSelectMixin, forms.Select):
    pass


class SearchSelectMultiple(SearchSelectMixin, forms.SelectMultiple):
    pass


class OptionsQuery(forms.Form):
    """What a search select's endpoint is asked: the words typed. Anything else it takes is added by a subclass."""

    q = forms.CharField(required=False, max_length=100)


def matching(queryset, words, *fields):
    """Rows where every word is in one of `fields` (case aside), those whose first field starts with the
    words first, then in the queryset's order; at most OPTIONS_LIMIT of them."""
    words = words.strip()
    for word in words.split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    if words:
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        starts = Case(
            When(**{f"{fields[0]}__istartswith": words}, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        queryset = queryset.annotate(starts_with_words=starts).order_by("starts_with_words", *ordering)
    return queryset[:OPTIONS_LIMIT]


def options_response(choices):
    """The endpoint's answer: {"results": [{"value": ..., "text": ...}, ...]} for (value, label) pairs."""
    return JsonResponse({"results": [{"value": str(value), "text": str(label)} for value, label in choices]})
