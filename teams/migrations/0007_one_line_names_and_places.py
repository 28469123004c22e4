# Fields that head emails and calendar entries are kept on one line; existing values too.

import cip.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('teams', '0006_role_names_and_notices'),
    ]

    operations = [
        migrations.AlterField(
            model_name='organisation',
            name='name',
            field=cip.fields.OneLineCharField(max_length=200, unique=True),
        ),
        migrations.AlterField(
            model_name='officehourslot',
            name='place',
            field=cip.fields.OneLineCharField(blank=True, max_length=300, verbose_name='Address or room'),
        ),
        migrations.AlterField(
            model_name='programme',
            name='name',
            field=cip.fields.OneLineCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name='user',
            name='display_name',
            field=cip.fields.OneLineCharField(blank=True, max_length=150),
        ),
        cip.fields.keep_existing_on_one_line(
            "teams", {
                "organisation": ["name"],
                "officehourslot": ["place"],
                "programme": ["name"],
                "user": ["display_name"],
            }
        ),
    ]
