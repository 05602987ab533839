import datetime

from django.db import migrations, models
from django.db.models import F


def expire_a_year_after_creation(apps, schema_editor):
    # Tokens made before expiry existed keep working for a year from when they were made, and keep the
    # reach they had (everything their owner may do).
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.update(expires_at=F("created_at") + datetime.timedelta(days=365), scope="write")


class Migration(migrations.Migration):
    dependencies = [("api", "0002_delete_calendareventversion")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and change")],
                default="read",
                max_length=5,
                verbose_name="may",
            ),
        ),
        migrations.RunPython(expire_a_year_after_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
