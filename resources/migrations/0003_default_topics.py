"""The starting list of topics; staff add, rename or remove topics in the admin afterwards."""

from django.db import migrations

TOPICS = [
    ("detainers", "ICE detainers (holds)", "Detenciones de ICE (holds)"),
    ("287g", "287(g) agreements", "Acuerdos 287(g)"),
    ("criminal-alien-program", "Criminal Alien Program (CAP)", "Programa de Extranjeros Criminales (CAP)"),
    ("secure-communities", "PEP / Secure Communities", "PEP / Comunidades Seguras"),
    ("state-laws", "State laws", "Leyes estatales"),
    ("u-visas", "U visas", "Visas U"),
    ("juveniles", "Juveniles", "Menores de edad"),
    ("detention-contracts", "Detention contracts", "Contratos de detención"),
    ("records-requests", "Public records requests", "Solicitudes de registros públicos"),
    ("sheriffs", "Sheriffs", "Alguaciles"),
    ("legal-defense-funds", "Legal defense funds", "Fondos de defensa legal"),
    ("know-your-rights", "Know your rights", "Conozca sus derechos"),
    ("federal-funding", "Federal funding and sanctuary policies", "Fondos federales y políticas santuario"),
    ("notifications", "Release-date notifications", "Notificaciones de fecha de liberación"),
    ("jail-access", "ICE access to jails", "Acceso de ICE a las cárceles"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("resources", "Topic")
    for slug, name, name_es in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "name_es": name_es})


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_search_trigger")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
