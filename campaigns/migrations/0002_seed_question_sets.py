from django.db import migrations


def seed(apps, schema_editor):
    from campaigns.question_seeds import question_sets_seed

    question_sets_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
