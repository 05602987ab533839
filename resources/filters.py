"""The filters of the library list. Bad values make the form invalid (the page answers 400), never a 500."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.filters import StatePostalFilterSet
from jurisdictions.models import State

from .models import Audience, Kind, Language, Resource, ResourceAudience, Topic
from .selectors import resource_search

MIN_YEAR = 1900
MAX_YEAR = 2100


class YearFilter(django_filters.NumberFilter):
    # Whole years only: "2020.5" or "1e3" is a bad value, not a year.
    field_class = forms.IntegerField


class ResourceFilter(StatePostalFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("Words in the title, summary or document"),
            }
        ),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("Any kind"))
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.order_by("name"),
        empty_label=_("Any topic"),
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Language.choices, empty_label=_("Any language"))
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        method="filter_audience",
        empty_label=_("Anyone"),
    )
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="states",
        to_field_name="postal",
        queryset=State.objects.only("postal", "name").order_by("name"),
        empty_label=_("Any state"),
    )
    year = YearFilter(
        label=_("Year published"),
        method="filter_year",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": MIN_YEAR, "max": MAX_YEAR}),
    )

    class Meta:
        model = Resource
        fields = []

    def filter_search(self, queryset, name, value):
        return resource_search(queryset, value)

    def filter_audience(self, queryset, name, value):
        return queryset.filter(Exists(ResourceAudience.objects.filter(resource=OuterRef("pk"), audience=value)))

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(published_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))

    @property
    def searching(self):
        return bool(self.is_valid() and (self.form.cleaned_data.get("q") or "").strip())
