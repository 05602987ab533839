"""The profile takes over campaigns.NotificationSettings: the same table, renamed, with every row kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.models


def rename_table(apps, schema_editor):
    schema_editor.alter_db_table(None, "campaigns_notificationsettings", "accounts_profile")


def rename_table_back(apps, schema_editor):
    schema_editor.alter_db_table(None, "accounts_profile", "campaigns_notificationsettings")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("campaigns", "0006_deadline_event_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(rename_table, rename_table_back)],
            state_operations=[
                migrations.CreateModel(
                    name="Profile",
                    fields=[
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="profile",
                                serialize=False,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "time_zone",
                            models.CharField(
                                default=accounts.models.default_time_zone, max_length=64, verbose_name="time zone"
                            ),
                        ),
                        (
                            "language",
                            models.CharField(
                                choices=[("en", "English"), ("es", "Spanish")],
                                default="en",
                                max_length=8,
                                verbose_name="language of emails",
                            ),
                        ),
                        ("reminder_emails", models.BooleanField(default=True, verbose_name="reminders before a deadline")),
                        (
                            "reminder_lead_days",
                            models.JSONField(
                                default=accounts.models.default_lead_days,
                                verbose_name="reminder days before the due date",
                            ),
                        ),
                        (
                            "overdue_emails",
                            models.BooleanField(default=True, verbose_name="reminders when a deadline is overdue"),
                        ),
                        (
                            "digest_frequency",
                            models.CharField(
                                choices=[("weekly", "Weekly"), ("daily", "Daily"), ("off", "Off")],
                                default="weekly",
                                max_length=10,
                                verbose_name="status digest",
                            ),
                        ),
                        (
                            "digest_weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ],
                                default=0,
                                verbose_name="weekly digest day",
                            ),
                        ),
                        ("digest_hour", models.PositiveSmallIntegerField(default=8, verbose_name="digest hour")),
                        (
                            "digest_when_empty",
                            models.BooleanField(default=False, verbose_name="send the digest even when nothing happened"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                    ],
                    options={
                        "verbose_name": "profile",
                        "verbose_name_plural": "profiles",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("digest_weekday__lte", 6)), name="notificationsettings_weekday"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("digest_hour__lte", 23)), name="notificationsettings_hour"
                            ),
                        ],
                    },
                ),
            ],
        ),
        # The table's check constraints take the profile's names.
        migrations.RemoveConstraint(model_name="profile", name="notificationsettings_weekday"),
        migrations.RemoveConstraint(model_name="profile", name="notificationsettings_hour"),
        migrations.AddConstraint(
            model_name="profile",
            constraint=models.CheckConstraint(condition=models.Q(("digest_weekday__lte", 6)), name="profile_digest_weekday"),
        ),
        migrations.AddConstraint(
            model_name="profile",
            constraint=models.CheckConstraint(condition=models.Q(("digest_hour__lte", 23)), name="profile_digest_hour"),
        ),
    ]
