from django.db import migrations

SITE_GROUPS = ["Admin", "Facilitator", "Staff", "VCS partner"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in SITE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=SITE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
