from datetime import timedelta

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jurisdictions.models import State

from .forms import UserChoiceField, staff_users
from .models import Goal, Stage
from .selectors import campaign_has_overdue

ACTIVITY_CHOICES = [
    ("7", _("Active in the last 7 days")),
    ("30", _("Active in the last 30 days")),
    ("90", _("Active in the last 90 days")),
    ("stale30", _("No activity for 30 days or more")),
    ("stale90", _("No activity for 90 days or more")),
]

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
ANY = _("Any")


class UserModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or place"), method="filter_search")
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="jurisdiction__state",
        to_field_name="postal",
        queryset=State.objects.all(),
        empty_label=ANY,
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=ANY)
    goal = django_filters.ChoiceFilter(label=_("Goal"), choices=Goal.choices, empty_label=ANY)
    lead = UserModelChoiceFilter(label=_("Lead"), queryset=lambda request: staff_users(), empty_label=ANY)
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue deadlines"), choices=YES_NO, method="filter_overdue", empty_label=ANY
    )
    activity = django_filters.ChoiceFilter(
        label=_("Last activity"), choices=ACTIVITY_CHOICES, method="filter_activity", empty_label=ANY
    )

    class Meta:
        fields = []

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


class SortForm(forms.Form):
    sort = forms.ChoiceField(choices=[(k, k) for k in SORTS], required=False)
