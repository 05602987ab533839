"""Officials get their office, party, website, source and the date it was checked, and are marked when invented.

Existing officials: the office is read from their agency's kind (and a title that says sheriff), and the
invented officials of the demo campaigns (their names end in "(demo)") are marked as demo data.
"""

from django.db import migrations, models

OFFICE_OF_AGENCY = {
    "sheriff": "sheriff",
    "board": "board_member",
    "county_counsel": "county_counsel",
    "district_attorney": "district_attorney",
    "jail": "jail_administrator",
    "city_council": "council_member",
}


def fill_offices(apps, schema_editor):
    Official = apps.get_model("jurisdictions", "Official")
    for kind, office in OFFICE_OF_AGENCY.items():
        Official.objects.filter(agency__kind=kind).update(office=office)
    Official.objects.filter(office="other", title__icontains="sheriff").update(office="sheriff")
    Official.objects.filter(name__endswith="(demo)").update(is_demo=True)


class Migration(migrations.Migration):

    dependencies = [
        ('jurisdictions', '0004_fourth_amendment'),
    ]

    operations = [
        migrations.AddField(
            model_name='official',
            name='is_demo',
            field=models.BooleanField(default=False, verbose_name='demo data'),
        ),
        migrations.AddField(
            model_name='official',
            name='office',
            field=models.CharField(choices=[('sheriff', 'Sheriff'), ('board_member', 'Board member (supervisor or commissioner)'), ('county_executive', 'County executive or county judge'), ('district_attorney', 'District attorney'), ('county_counsel', 'County counsel or county attorney'), ('jail_administrator', 'Jail administrator'), ('mayor', 'Mayor'), ('council_member', 'City council member'), ('other', 'Other')], default='other', max_length=20, verbose_name='office'),
        ),
        migrations.AddField(
            model_name='official',
            name='party',
            field=models.CharField(blank=True, max_length=50, verbose_name='party'),
        ),
        migrations.AddField(
            model_name='official',
            name='source',
            field=models.CharField(blank=True, help_text='e.g. County elections office, candidate list', max_length=300, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='official',
            name='source_url',
            field=models.URLField(blank=True, max_length=500, verbose_name='source link'),
        ),
        migrations.AddField(
            model_name='official',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated'),
        ),
        migrations.AddField(
            model_name='official',
            name='verified_on',
            field=models.DateField(blank=True, null=True, verbose_name='checked on'),
        ),
        migrations.AddField(
            model_name='official',
            name='website',
            field=models.URLField(blank=True, max_length=300, verbose_name='website'),
        ),
        migrations.AlterField(
            model_name='official',
            name='title',
            field=models.CharField(blank=True, help_text='As the office names it, e.g. Supervisor, District 3', max_length=200, verbose_name='title'),
        ),
        migrations.AddIndex(
            model_name='official',
            index=models.Index(fields=['next_election'], name='official_next_election_idx'),
        ),
        migrations.AddIndex(
            model_name='official',
            index=models.Index(fields=['office', 'name'], name='official_office_idx'),
        ),
        migrations.AlterConstraint(
            model_name='official',
            name='official_term_ends_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('term_end__isnull', True), ('term_start__isnull', True), ('term_end__gte', models.F('term_start')), _connector='OR'), name='official_term_ends_after_start', violation_error_message='The term cannot end before it starts.'),
        ),
        migrations.RunPython(fill_offices, migrations.RunPython.noop),
    ]
