"""Filters and sort keys of the campaign list, the staff dashboard's status table, their exports and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.filters import StatePostalFilterSet
from core.roles import is_admin
from core.widgets import SearchSelect
from jurisdictions.models import State

from .forms import UserChoiceField, staff_users
from .models import Goal, Stage
from .selectors import campaign_has_overdue
from .selectors_history import history_kind_choices

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


class LeadChoiceField(UserChoiceField):
    widget = SearchSelect("campaigns:people-options")


class UserModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LeadChoiceField


def _choice_filter(label, choices, **kwargs):
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=ANY, **kwargs)


class CampaignFilter(StatePostalFilterSet):
    q = django_filters.CharFilter(label=_("Name or place"), method="filter_search")
    state = django_filters.ModelChoiceFilter(
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
    # Network admins see every organization's campaigns, and may narrow them to one.
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.only("pk", "name"), empty_label=ANY
    )

    class Meta:
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not is_admin(user):
            del self.filters["organization"]

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


class HistoryFilter(django_filters.FilterSet):
    """The campaign history's filters, applied to each kind's history in turn (filter_queryset)."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=history_kind_choices, empty_label=ANY, method="filter_kind"
    )
    person = django_filters.ModelChoiceFilter(
        label=_("Person"), field_name="history_user", queryset=User.objects.none(), empty_label=ANY
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["person"].queryset = people

    def filter_kind(self, queryset, name, value):
        return queryset if queryset.model.instance_type._meta.model_name == value else queryset.none()
