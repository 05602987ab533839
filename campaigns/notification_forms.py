"""The notification settings form: every field a user can set about the emails they get."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import MAX_LEAD_DAYS, Profile, default_lead_days
from jurisdictions.models import State

# The zones the desk's users live in; a zone saved earlier that is not listed stays selectable.
COMMON_TIME_ZONES = [
    ("America/New_York", _("Eastern time (New York)")),
    ("America/Chicago", _("Central time (Chicago)")),
    ("America/Denver", _("Mountain time (Denver)")),
    ("America/Phoenix", _("Arizona (Phoenix, no daylight saving)")),
    ("America/Los_Angeles", _("Pacific time (Los Angeles)")),
    ("America/Anchorage", _("Alaska (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii (Honolulu)")),
    ("America/Puerto_Rico", _("Atlantic time (Puerto Rico)")),
    ("Pacific/Guam", _("Chamorro time (Guam)")),
    ("America/Mexico_City", _("Mexico City")),
    ("America/Guatemala", _("Central America (Guatemala)")),
    ("UTC", _("UTC")),
]
MAX_LEAD_DAY_COUNT = 6
HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


def parse_lead_days(value):
    """'7, 1' -> [7, 1]; raises ValidationError with a message a user can act on."""
    days = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            day = int(part)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a number of days. Write whole numbers separated by commas, like 7, 1."),
                code="invalid",
                params={"value": part},
            ) from None
        if not 0 <= day <= MAX_LEAD_DAYS:
            raise forms.ValidationError(
                _("%(value)s is out of range: each number of days must be between 0 and %(max)s."),
                code="range",
                params={"value": day, "max": MAX_LEAD_DAYS},
            )
        if day not in days:
            days.append(day)
    if len(days) > MAX_LEAD_DAY_COUNT:
        raise forms.ValidationError(
            _("At most %(max)s reminders per deadline."), code="too_many", params={"max": MAX_LEAD_DAY_COUNT}
        )
    return sorted(days, reverse=True)


class NotificationSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=COMMON_TIME_ZONES)
    reminder_lead_days = forms.CharField(
        label=_("Days before the due date"),
        required=False,
        max_length=60,
        help_text=_("Whole numbers from 0 (the day itself) to 60, separated by commas. For example: 7, 1."),
    )
    digest_hour = forms.TypedChoiceField(label=_("Hour"), choices=HOURS, coerce=int)

    class Meta:
        model = Profile
        fields = [
            "language",
            "time_zone",
            "reminder_emails",
            "reminder_lead_days",
            "overdue_emails",
            "digest_frequency",
            "digest_weekday",
            "digest_hour",
            "digest_when_empty",
            "list_alert_emails",
        ]
        labels = {
            "language": _("Language of the emails"),
            "reminder_emails": _("Email me before each deadline I own or whose campaign I lead"),
            "overdue_emails": _("Email me when such a deadline is overdue (once, and once more a week later)"),
            "digest_frequency": _("Status digest"),
            "digest_weekday": _("Day of the weekly digest"),
            "digest_when_empty": _("Send the digest even when nothing happened and nothing is due"),
            "list_alert_emails": _(
                "Email me when ICE's 287(g) list changes in a county or state of my campaigns, or one I follow"
            ),
        }
        widgets = {"digest_frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone
        if current and current not in dict(COMMON_TIME_ZONES):
            self.fields["time_zone"].choices = [*COMMON_TIME_ZONES, (current, current)]
        self.initial["reminder_lead_days"] = ", ".join(str(day) for day in self.instance.lead_days)

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"]
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Choose a time zone from the list."), code="invalid") from None
        return name

    def clean_reminder_lead_days(self):
        return parse_lead_days(self.cleaned_data.get("reminder_lead_days"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reminder_lead_days") == []:
            if cleaned.get("reminder_emails"):
                self.add_error(
                    "reminder_lead_days",
                    _("Give at least one number of days, or turn reminders before deadlines off."),
                )
            else:
                # Reminders are off: keep the days they had, ready for when they are turned back on.
                cleaned["reminder_lead_days"] = self.instance.lead_days or default_lead_days()
        return cleaned


class FollowStateForm(forms.Form):
    """Follow a state: every change to ICE's 287(g) list there."""

    state = forms.ModelChoiceField(
        label=_("Follow a state"),
        queryset=State.objects.order_by("name"),
        to_field_name="postal",
        empty_label=_("Choose a state"),
    )
