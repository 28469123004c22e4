from django.db import migrations


def add_projects(apps, schema_editor):
    """Ideas recorded before projects existed get their project, at the start of the lifecycle."""
    Idea = apps.get_model("scoping", "Idea")
    Project = apps.get_model("projects", "Project")
    Project.objects.bulk_create(
        Project(idea_id=pk) for pk in Idea.objects.filter(project__isnull=True).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(add_projects, migrations.RunPython.noop)]
