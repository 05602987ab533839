"""Widgets, user choices and checks the campaign forms share."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import ADMIN, STAFF

from ..access import team_candidates_for

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def staff_users():
    return User.objects.filter(is_active=True, groups__name__in=[STAFF, ADMIN]).distinct().order_by("username")


def team_candidates(user, campaign=None):
    """Whom `user` may put on `campaign`'s team (or a new campaign's): campaigns.access.team_candidates_for."""
    return team_candidates_for(user, campaign).order_by("username")


def person_label(user):
    """How a person is offered in a choice: full name and username."""
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


def _check_past_date(value):
    if value is None:
        return value
    if value.year < 2000:
        raise forms.ValidationError(_("Check the year."))
    if value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value
