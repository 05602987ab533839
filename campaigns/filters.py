"""Filters and sort keys of the campaign list, the staff dashboard's status table, their exports and the API.

The filter form is drawn by templates/campaigns/_campaign_rows_filters.html (crispy-forms); the states it
offers come from the cache (filter_options), and the leads are searched as you type.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from core.filters import StatePostalFilterSet
from core.fragments import cached
from core.widgets import SearchSelect
from jurisdictions.models import State

from .forms import UserChoiceField, staff_users
from .models import Campaign, Goal, Stage
from .selectors import campaign_has_overdue

User = get_user_model()

ACTIVITY_CHOICES = [
    ("7", _("Active in the last 7 days")),
    ("30", _("Active in the last 30 days")),
    ("90", _("Active in the last 90 days")),
    ("stale30", _("No activity for 30 days or more")),
    ("stale90", _("No activity for 90 days or more")),
]

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
ANY = _("Any")


class CachedModelChoices(BaseChoiceIterator):
    """The choices of the state filter (the field's `options`): filter_options(), read once a form.

    A lazy iterator, read when the select is drawn; not a ModelChoiceIterator, which would read them from
    the database instead.
    """

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        offered = getattr(self.field, "offered", None)
        yield from (offered or _Offered())[self.field.options]


class _Offered:
    """filter_options(), read from the cache when a field first asks, and shared by the fields of a form."""

    options = None

    def __getitem__(self, name):
        if self.options is None:
            self.options = filter_options()
        return self.options[name]


class StateChoiceField(FilterModelChoiceField):
    iterator = CachedModelChoices
    options = "state"


class LeadChoiceField(UserChoiceField):
    widget = SearchSelect("campaigns:people-options")


class UserModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LeadChoiceField


class StateModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StateChoiceField


def _choice_filter(label, choices, **kwargs):
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=ANY, **kwargs)


class CampaignFilter(StatePostalFilterSet):
    q = django_filters.CharFilter(label=_("Name or place"), method="filter_search")
    state = StateModelChoiceFilter(
        label=_("State"),
        field_name="jurisdiction__state",
        to_field_name="postal",
        queryset=State.objects.only("pk", "postal", "name"),
        empty_label=ANY,
    )
    stage = _choice_filter(_("Stage"), Stage.choices)
    goal = _choice_filter(_("Goal"), Goal.choices)
    lead = UserModelChoiceFilter(
        label=_("Lead"),
        queryset=lambda request: staff_users().only("pk", "username", "first_name", "last_name"),
        empty_label=ANY,
    )
    overdue = _choice_filter(_("Overdue deadlines"), YES_NO, method="filter_overdue")
    activity = _choice_filter(_("Last activity"), ACTIVITY_CHOICES, method="filter_activity")

    class Meta:
        fields = []

    @property
    def form(self):
        if not hasattr(self, "_form"):
            offered = _Offered()
            for field in super().form.fields.values():
                if isinstance(field, StateChoiceField):
                    field.offered = offered
        return self._form

    def get_form_class(self):
        # The fields do not depend on the request (the leads offered are every staff member) and each
        # form copies them, querysets included: the form class is built once, not for every request.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    @property
    def active(self):
        """The filters given a value (none when the form is unbound or not valid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(jurisdiction__name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(campaign_has_overdue())
        if value == "no":
            return queryset.exclude(campaign_has_overdue())
        return queryset

    def filter_activity(self, queryset, name, value):
        now = timezone.now()
        if value.startswith("stale"):
            return queryset.filter(last_activity_at__lt=now - timedelta(days=int(value[5:])))
        return queryset.filter(last_activity_at__gte=now - timedelta(days=int(value)))


# Sort keys of /campaigns/: each is an ordering the list's indexes or annotations serve.
SORTS = {
    "activity": [F("last_activity_at").desc(), "pk"],
    "-activity": [F("last_activity_at").asc(), "pk"],
    "name": ["name", "pk"],
    "-name": [F("name").desc(), "-pk"],
    "jurisdiction": ["jurisdiction__state__name", "jurisdiction__name", "pk"],
    "-jurisdiction": [F("jurisdiction__state__name").desc(), F("jurisdiction__name").desc(), "-pk"],
    "stage": ["stage", F("last_activity_at").desc(), "pk"],
    "-stage": [F("stage").desc(), F("last_activity_at").desc(), "pk"],
    "next": [F("next_due").asc(nulls_last=True), "pk"],
    "-next": [F("next_due").desc(nulls_last=True), "pk"],
    "overdue": [F("overdue_count").desc(), F("last_activity_at").desc(), "pk"],
    "-overdue": [F("overdue_count").asc(), F("last_activity_at").desc(), "pk"],
}
DEFAULT_SORT = "activity"
# The sorts on the list's annotations (next deadline, overdue deadlines), the others on columns alone.
ANNOTATED_SORTS = {"next", "-next", "overdue", "-overdue"}


class SortForm(forms.Form):
    sort = forms.ChoiceField(choices=[(k, k) for k in SORTS], required=False)


# --- what the state filter offers ----------------------------------------------------------------

# The states offered are the same on every page that shows the filters: they are kept in the cache
# under the generation of states ("places").
OPTIONS_KINDS = ("places",)


def _read_filter_options():
    field = CampaignFilter(queryset=Campaign.objects.none()).form.fields["state"]
    return {"state": [(str(field.prepare_value(obj)), field.label_from_instance(obj)) for obj in field.queryset]}


def filter_options():
    """{"state": [(postal, name)]}: the choices of the state filter, as shown."""
    return cached("campaigns:filter-options", vary=(), kinds=OPTIONS_KINDS, make=_read_filter_options)
