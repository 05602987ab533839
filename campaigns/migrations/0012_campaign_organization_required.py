import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every campaign has its organization (0011 gave each one), so the column is required; and the shares."""

    dependencies = [
        ('campaigns', '0011_organizations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='campaign',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='accounts.organization', verbose_name='organization'),
        ),
        migrations.AddIndex(
            model_name='campaign',
            index=models.Index(fields=['organization', '-last_activity_at'], name='campaign_org_idx'),
        ),
        migrations.AddField(
            model_name='campaignshare',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shares', to='campaigns.campaign'),
        ),
        migrations.AddField(
            model_name='campaignshare',
            name='organization',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='campaign_shares', to='accounts.organization', verbose_name='partner organization'),
        ),
        migrations.AddField(
            model_name='campaignshare',
            name='shared_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='campaignshare',
            index=models.Index(fields=['organization', 'campaign'], name='campaign_share_org_idx'),
        ),
        migrations.AddConstraint(
            model_name='campaignshare',
            constraint=models.UniqueConstraint(fields=('campaign', 'organization'), name='campaign_share_once'),
        ),
    ]
