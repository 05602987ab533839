"""Resource assignments belong with campaigns: the models move here from resources, their rows with them.

The state is taken over as it stands (resources 0004 made the tables), then the tables are renamed.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0008_deadline_updated_at"),
        ("resources", "0004_assignments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Assignment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("note", models.TextField(verbose_name="why it helps")),
                        ("assigned_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="assigned")),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn")),
                        ("withdrawal_reason", models.TextField(blank=True, verbose_name="reason for withdrawing")),
                        (
                            "assigned_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="assigned by",
                            ),
                        ),
                        (
                            "campaign",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="resource_assignments",
                                to="campaigns.campaign",
                                verbose_name="campaign",
                            ),
                        ),
                        (
                            "resource",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="resources.resource",
                                verbose_name="resource",
                            ),
                        ),
                        (
                            "withdrawn_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="withdrawn by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "assignment",
                        "verbose_name_plural": "assignments",
                        "ordering": ["-assigned_at", "-pk"],
                        "db_table": "resources_assignment",
                        "indexes": [
                            models.Index(fields=["campaign", "-assigned_at"], name="assignment_campaign_idx"),
                            models.Index(fields=["resource", "-assigned_at"], name="assignment_resource_idx"),
                            models.Index(fields=["assigned_at"], name="assignment_assigned_at_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("withdrawn_at__isnull", True)),
                                fields=("resource", "campaign"),
                                name="assignment_active_unique",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("withdrawn_at__isnull", True),
                                    models.Q(("withdrawal_reason", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="assignment_withdrawal_has_reason",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AssignmentOpen",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("opened_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="opened")),
                        (
                            "assignment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="opens",
                                to="campaigns.assignment",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "opened assignment",
                        "verbose_name_plural": "opened assignments",
                        "db_table": "resources_assignmentopen",
                        "constraints": [
                            models.UniqueConstraint(fields=("assignment", "user"), name="assignment_open_once")
                        ],
                    },
                ),
            ]
        ),
        # The tables take this app's names.
        migrations.AlterModelTable(name="assignment", table=None),
        migrations.AlterModelTable(name="assignmentopen", table=None),
    ]
