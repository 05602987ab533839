"""Filters of the API lists that have no list page of their own (the pages' filters are reused as they are)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Deadline
from jurisdictions.models import Agreement287g, Dimension, Model287g, PolicyRecord

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DeadlineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Deadline.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Deadline.Kind.choices)
    overdue = django_filters.ChoiceFilter(choices=YES_NO, method="filter_overdue", label=_("Open and past due"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Owned by me"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due on or after"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due on or before"))

    class Meta:
        model = Deadline
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=Deadline.Status.OPEN, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(owner=user) if value else queryset.exclude(owner=user)


class AgreementFilter(django_filters.FilterSet):
    state = django_filters.CharFilter(field_name="state__postal", method="filter_state", max_length=2)
    status = django_filters.ChoiceFilter(choices=Agreement287g.Status.choices)
    model = django_filters.ChoiceFilter(choices=Model287g.choices)
    jurisdiction = django_filters.NumberFilter(field_name="jurisdiction_id", min_value=1)

    class Meta:
        model = Agreement287g
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__postal=value.strip().upper())


class PolicyRecordFilter(django_filters.FilterSet):
    dimension = django_filters.ChoiceFilter(choices=Dimension.choices)

    class Meta:
        model = PolicyRecord
        fields = []
