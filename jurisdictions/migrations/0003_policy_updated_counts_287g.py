"""Recompute each jurisdiction's "policy last changed" date with its 287(g) records and agreements.

It used to be the newest date of the other dimensions only, so a county whose only change was a 287(g)
agreement showed no date at all. From now on jurisdictions.services.jurisdictions_refresh_policy keeps
it; this brings the stored dates in line once.
"""

from django.db import migrations
from django.db.models import Max


def newest_policy_dates(apps):
    PolicyRecord = apps.get_model("jurisdictions", "PolicyRecord")
    Agreement287g = apps.get_model("jurisdictions", "Agreement287g")
    newest = dict(
        PolicyRecord.objects.order_by()
        .values("jurisdiction_id")
        .annotate(newest=Max("effective_date"))
        .values_list("jurisdiction_id", "newest")
    )
    agreements = (
        Agreement287g.objects.exclude(jurisdiction=None)
        .exclude(status="pending")
        .values_list("jurisdiction_id", "status", "signed_date", "end_date")
    )
    for jurisdiction_id, status, signed_date, end_date in agreements:
        for date in (signed_date, end_date if status == "ended" else None):
            if date and (newest.get(jurisdiction_id) is None or date > newest[jurisdiction_id]):
                newest[jurisdiction_id] = date
    return newest


def recompute(apps, schema_editor):
    Jurisdiction = apps.get_model("jurisdictions", "Jurisdiction")
    newest = newest_policy_dates(apps)
    changed = []
    for jurisdiction in Jurisdiction.objects.only("id", "policy_updated").iterator(chunk_size=2000):
        date = newest.get(jurisdiction.pk)
        if jurisdiction.policy_updated != date:
            jurisdiction.policy_updated = date
            changed.append(jurisdiction)
    Jurisdiction.objects.bulk_update(changed, ["policy_updated"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("jurisdictions", "0002_statelaw_imported"),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
