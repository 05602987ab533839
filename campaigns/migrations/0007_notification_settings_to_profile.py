"""NotificationSettings became accounts.Profile (accounts 0001 renamed its table): only the state goes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_deadline_event_index"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="NotificationSettings")]),
    ]
