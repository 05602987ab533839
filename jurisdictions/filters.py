"""The filters of the jurisdiction list. Bad values make the form invalid (the page answers 400), never a 500."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import StatePostalFilterSet

from .models import (
    Jurisdiction,
    ListChange,
    ListSnapshot,
    Model287g,
    Office,
    Official,
    PolicyLevel,
    State,
    StateFloor,
)
from .selectors import jurisdiction_with_active_287g, jurisdiction_with_any_active_287g, months_after

# A population filter above this is not a typo we can answer sensibly (and overflows integer columns).
MAX_POPULATION = 2_000_000_000

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
RISK_CHOICES = [("yes", _("At risk")), ("no", _("Not at risk")), ("unknown", _("Not known"))]
RISK_VALUES = {"yes": True, "no": False, "unknown": None}
# The empty floor is "no statewide law"; it needs a non-empty code to be chosen in a form.
FLOOR_CHOICES = [
    ("limits", StateFloor.LIMITS.label),
    ("mandates", StateFloor.MANDATES.label),
    ("mixed", StateFloor.MIXED.label),
    ("none", StateFloor.NONE.label),
]


class PopulationFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, placeholder="", **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_POPULATION)
        # Rendered side by side in one input group, so the widget carries Bootstrap's class itself.
        attrs = {"inputmode": "numeric", "min": 0, "class": "form-control", "placeholder": placeholder}
        kwargs.setdefault("widget", forms.NumberInput(attrs=attrs))
        super().__init__(*args, **kwargs)


class JurisdictionFilter(StatePostalFilterSet):
    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("County or city")}),
    )
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="state",
        to_field_name="postal",
        queryset=State.objects.only("postal", "name").order_by("name"),
        empty_label=_("All states"),
    )
    level = django_filters.ChoiceFilter(label=_("Overall level"), choices=PolicyLevel.choices, empty_label=_("Any"))
    model_287g = django_filters.ChoiceFilter(
        label=_("287(g) model"),
        choices=Model287g.choices,
        method="filter_model_287g",
        empty_label=_("Any"),
    )
    has_287g = django_filters.ChoiceFilter(
        label=_("Active 287(g) agreement"),
        choices=YES_NO,
        method="filter_has_287g",
        empty_label=_("Any"),
    )
    law_floor = django_filters.ChoiceFilter(
        label=_("State law"), choices=FLOOR_CHOICES, method="filter_law_floor", empty_label=_("Any")
    )
    fourth_amendment = django_filters.ChoiceFilter(
        label=_("Fourth Amendment risk"),
        choices=RISK_CHOICES,
        method="filter_fourth_amendment",
        empty_label=_("Any"),
    )
    population_min = PopulationFilter(
        label=_("Population from"), placeholder=_("min"), field_name="population", lookup_expr="gte"
    )
    population_max = PopulationFilter(
        label=_("Population to"), placeholder=_("max"), field_name="population", lookup_expr="lte"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Jurisdiction.Kind.choices, empty_label=_("Any"))
    include_legacy = django_filters.BooleanFilter(
        label=_("Include Connecticut's former counties"),
        method="filter_include_legacy",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Jurisdiction
        fields = []

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    def filter_model_287g(self, queryset, name, value):
        return queryset.filter(jurisdiction_with_active_287g(value))

    def filter_has_287g(self, queryset, name, value):
        active = jurisdiction_with_any_active_287g()
        return queryset.filter(active if value == "yes" else ~active)

    def filter_law_floor(self, queryset, name, value):
        return queryset.filter(state__law_floor="" if value == "none" else value)

    def filter_fourth_amendment(self, queryset, name, value):
        risk = RISK_VALUES[value]
        if risk is None:
            return queryset.filter(fourth_amendment_risk__isnull=True)
        return queryset.filter(fourth_amendment_risk=risk)

    def filter_include_legacy(self, queryset, name, value):
        # Connecticut's old counties are hidden unless asked for: they would be counted twice otherwise.
        return queryset if value else queryset.exclude(is_legacy=True)


# "Election within N months" reads whole months from 1 to this.
MAX_ELECTION_MONTHS = 60


class MonthsFilter(django_filters.NumberFilter):
    # Whole months: "2.5" or "1e3" is a bad value, not a number of months.
    field_class = forms.IntegerField


class OfficialFilter(StatePostalFilterSet):
    """The officials directory: by name, state, office and how soon their next election comes."""

    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Official, county or agency")}),
    )
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="agency__state",
        to_field_name="postal",
        queryset=State.objects.only("postal", "name").order_by("name"),
        empty_label=_("All states"),
    )
    office = django_filters.ChoiceFilter(label=_("Office"), choices=Office.choices, empty_label=_("Any office"))
    election_within = MonthsFilter(
        label=_("Election within (months)"),
        method="filter_election_within",
        min_value=1,
        max_value=MAX_ELECTION_MONTHS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_ELECTION_MONTHS}),
    )
    include_former = django_filters.BooleanFilter(
        label=_("Include former officials"), method="filter_include_former", widget=forms.CheckboxInput
    )

    class Meta:
        model = Official
        fields = []

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(agency__name__icontains=value) | Q(agency__jurisdiction__name__icontains=value)
        )

    def filter_election_within(self, queryset, name, value):
        return queryset.filter(next_election__range=(self.today, months_after(self.today, int(value))))

    def filter_include_former(self, queryset, name, value):
        return queryset if value else queryset.filter(is_active=True)

    @property
    def by_election(self):
        return bool(self.form.cleaned_data.get("election_within"))


class ListChangeFilter(StatePostalFilterSet):
    """The staff page of changes to ICE's 287(g) list: by state, kind of change and list."""

    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="state",
        to_field_name="postal",
        queryset=State.objects.only("postal", "name").order_by("name"),
        empty_label=_("All states"),
    )
    kind = django_filters.ChoiceFilter(label=_("Change"), choices=ListChange.Kind.choices, empty_label=_("Any"))
    snapshot = django_filters.ModelChoiceFilter(
        label=_("ICE list"),
        field_name="snapshot",
        queryset=ListSnapshot.objects.filter(applied=True, baseline=False).order_by("-list_date", "-list_half"),
        empty_label=_("Every list"),
    )

    class Meta:
        model = ListChange
        fields = []
