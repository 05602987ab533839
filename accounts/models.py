"""People: each user's profile (time zone, language, what email they want). Roles are Django groups (core.roles)."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history import register
from simple_history.models import HistoricalRecords

from core.models import ChoiceLabelsMixin

DEFAULT_LEAD_DAYS = [7, 1]
MAX_LEAD_DAYS = 60


def default_lead_days():
    return list(DEFAULT_LEAD_DAYS)


def default_time_zone():
    return settings.TIME_ZONE


class Profile(ChoiceLabelsMixin, models.Model):
    """One user's time zone, language and email settings. A user without a row has the defaults."""

    class DigestFrequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        DAILY = "daily", _("Daily")
        OFF = "off", _("Off")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, pgettext_lazy("day of the weekly digest", "Monday")
        TUESDAY = 1, pgettext_lazy("day of the weekly digest", "Tuesday")
        WEDNESDAY = 2, pgettext_lazy("day of the weekly digest", "Wednesday")
        THURSDAY = 3, pgettext_lazy("day of the weekly digest", "Thursday")
        FRIDAY = 4, pgettext_lazy("day of the weekly digest", "Friday")
        SATURDAY = 5, pgettext_lazy("day of the weekly digest", "Saturday")
        SUNDAY = 6, pgettext_lazy("day of the weekly digest", "Sunday")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", primary_key=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    language = models.CharField(
        _("language of emails"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    reminder_emails = models.BooleanField(_("reminders before a deadline"), default=True)
    # Days before the due date on which a reminder goes out (0 is the day itself).
    reminder_lead_days = models.JSONField(_("reminder days before the due date"), default=default_lead_days)
    overdue_emails = models.BooleanField(_("reminders when a deadline is overdue"), default=True)
    digest_frequency = models.CharField(
        _("status digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=8)
    digest_when_empty = models.BooleanField(_("send the digest even when nothing happened"), default=False)
    list_alert_emails = models.BooleanField(
        _("an email when ICE's 287(g) list changes in my campaigns' or followed places"), default=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(condition=Q(digest_weekday__lte=6), name="profile_digest_weekday"),
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="profile_digest_hour"),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def lead_days(self):
        """The lead days as clean integers, whatever was stored."""
        days = set()
        for value in self.reminder_lead_days or []:
            try:
                day = int(value)
            except (TypeError, ValueError):
                continue
            if 0 <= day <= MAX_LEAD_DAYS:
                days.add(day)
        return sorted(days, reverse=True)


class Organization(models.Model):
    """A group that runs campaigns on this instance: a legal organization, a local group, a partner network.

    Its staff see and manage its campaigns; campaigns may be shared with partner organizations. The
    default organization holds what was here before there were several (and what has no other home).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Profile.Language.choices, default=Profile.Language.ENGLISH
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    is_default = models.BooleanField(_("default organization"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="organization_one_default"
            ),
        ]

    def __str__(self):
        return self.name


class OrganizationMembership(ChoiceLabelsMixin, models.Model):
    """A person's place in an organization, with their role in it."""

    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizer")
        STAFF = "staff", _("Staff")
        ADMIN = "admin", _("Admin of the organization")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.ORGANIZER)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "user__username"]
        verbose_name = _("organization membership")
        verbose_name_plural = _("organization memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="organization_membership_once"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="org_membership_user_role_idx")]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.role})"


# Roles of an organization whose holders see and manage all its campaigns.
MANAGING_ROLES = (OrganizationMembership.Role.STAFF, OrganizationMembership.Role.ADMIN)


class Invitation(models.Model):
    """An invitation by email to join an organization in a role. Only a hash of its secret is kept; it is
    used once and expires (INVITATION_DAYS)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organization")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=OrganizationMembership.Role.choices,
        default=OrganizationMembership.Role.ORGANIZER,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} to {self.organization}"

    @property
    def is_open(self):
        """Not used, withdrawn or expired."""
        return not self.accepted_at and not self.revoked_at and self.expires_at > timezone.now()


# Every change to a user and to their roles (group membership) is kept: who made it, when, old and new
# values. The password hash and the sign-in time are left out of the copies.
class UserHistory(HistoricalRecords):
    """A user's history, also when their roles change from the group's side (group.user_set.add(...))."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if action == "pre_clear":
            instance._history_cleared_users = list(instance.user_set.values_list("pk", flat=True))
            return None
        if action == "post_clear":
            pk_set = set(instance.__dict__.pop("_history_cleared_users", []))
        elif action not in ("post_add", "post_remove"):
            return None
        for user in User.objects.filter(pk__in=pk_set or ()):
            self.create_historical_record(user, "~")
        return None


register(
    User,
    records_class=UserHistory,
    app="accounts",
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups"],
    verbose_name=_("historical user"),
)
