from django.db import migrations

from landing.principles import DEFAULT_PRINCIPLES


def seed(apps, schema_editor):
    Programme = apps.get_model("teams", "Programme")
    Principle = apps.get_model("landing", "Principle")
    for programme in Programme.objects.filter(principles__isnull=True):
        Principle.objects.bulk_create(
            Principle(programme=programme, position=number, title=title, description=text)
            for number, (title, text) in enumerate(DEFAULT_PRINCIPLES, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("landing", "0001_initial"), ("teams", "0003_core_team_details")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
