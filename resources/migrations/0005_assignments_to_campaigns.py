"""Assignments moved to the campaigns app (campaigns 0009 took over their tables): only the state goes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0004_assignments"),
        ("campaigns", "0009_assignments_from_resources"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AssignmentOpen"),
                migrations.DeleteModel(name="Assignment"),
            ]
        ),
    ]
