"""The Fourth Amendment layer: whether a holds record requires a judicial warrant, and the flag it gives.

Existing rows: the synthetic records seed_demo and seed_bench made (known by their note) are marked as
demo data, and a county that honors no holds is not at risk whatever its warrant rule; every other
county's risk stays unknown until a holds record says whether a warrant is required.
"""

from django.conf import settings
from django.db import migrations, models

# The notes seed_demo and seed_bench have always written on their synthetic records.
SYNTHETIC_NOTES = ["Demo data: synthetic, not a real policy.", "Bench data (synthetic): not a real policy."]


def mark_existing(apps, schema_editor):
    PolicyRecord = apps.get_model("jurisdictions", "PolicyRecord")
    Jurisdiction = apps.get_model("jurisdictions", "Jurisdiction")
    PolicyRecord.objects.filter(note__in=SYNTHETIC_NOTES).update(is_demo=True)
    Jurisdiction.objects.filter(current_holds="honors_none").update(fourth_amendment_risk=False)


class Migration(migrations.Migration):

    dependencies = [
        ('jurisdictions', '0003_policy_updated_counts_287g'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='jurisdiction',
            name='current_judicial_warrant',
            field=models.BooleanField(blank=True, null=True, verbose_name='holds only on a judicial warrant'),
        ),
        migrations.AddField(
            model_name='jurisdiction',
            name='fourth_amendment_risk',
            field=models.BooleanField(blank=True, null=True, verbose_name='Fourth Amendment risk'),
        ),
        migrations.AddField(
            model_name='policyrecord',
            name='is_demo',
            field=models.BooleanField(default=False, verbose_name='demo data'),
        ),
        migrations.AddField(
            model_name='policyrecord',
            name='judicial_warrant',
            field=models.BooleanField(blank=True, help_text='Does the jail hold someone for ICE only when a judge has signed a warrant or order?', null=True, verbose_name='holds only on a judicial warrant'),
        ),
        migrations.AddIndex(
            model_name='jurisdiction',
            index=models.Index(fields=['fourth_amendment_risk', 'name'], name='jur_fourth_amendment_idx'),
        ),
        migrations.AddConstraint(
            model_name='policyrecord',
            constraint=models.CheckConstraint(condition=models.Q(('dimension', 'holds'), ('judicial_warrant__isnull', True), _connector='OR'), name='policyrecord_warrant_only_on_holds', violation_error_message='Only a record of ICE holds says whether a judicial warrant is required.'),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
