"""Filters and sort keys of the campaign list, the staff dashboard's status table, their exports and the API.

The filter form is drawn by templates/campaigns/_campaign_rows_filters.html, not by crispy: each field
carries its Bootstrap classes and error link itself (FilterBoundField), each <select> is written in
one pass over its choices (OptionsSelect), and the states and staff members offered are read with
one plain query each (ListedModelChoices): on this form of 140 options that was most of its time.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import F, Q
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

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


class OptionsSelect(forms.Select):
    """A <select> written in one pass over its choices, without a template for each <option>."""

    def render(self, name, value, attrs=None, renderer=None):
        wanted = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            # One option is selected, the first that matches, as Django's own Select does.
            selected = option_value in wanted
            if selected:
                wanted = ()
            parts.append(
                f'<option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>"
            )
        parts.append("</select>")
        return mark_safe("".join(parts))


class ListedModelChoices(ModelChoiceIterator):
    """Model choices read with one plain query.

    Django's iterator streams them through a server-side cursor, which PostgreSQL outside a
    transaction opens WITH HOLD (materialised, three round trips) for a list of a few dozen rows.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class StateChoiceField(FilterModelChoiceField):
    iterator = ListedModelChoices
    widget = OptionsSelect


class LeadChoiceField(UserChoiceField):
    iterator = ListedModelChoices
    widget = OptionsSelect


class FilterBoundField(BoundField):
    """A filter field with Bootstrap's classes, marked invalid and linked to its error when it has one."""

    @property
    def error_id(self):
        return f"{self.auto_id}_error"

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if self.errors:
            css += " is-invalid"
            attrs["aria-describedby"] = self.error_id
        attrs["class"] = f"{attrs['class']} {css}" if attrs.get("class") else css
        return attrs


class FilterForm(forms.Form):
    bound_field_class = FilterBoundField


class UserModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LeadChoiceField


class StateModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StateChoiceField


def _choice_filter(label, choices, **kwargs):
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=ANY, widget=OptionsSelect, **kwargs)


class CampaignFilter(django_filters.FilterSet):
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
        form = FilterForm

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


class SortForm(forms.Form):
    sort = forms.ChoiceField(choices=[(k, k) for k in SORTS], required=False)
