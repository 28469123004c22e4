# Fields that head emails and calendar entries are kept on one line; existing values too.

import cip.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0004_exploring_testing_insights'),
    ]

    operations = [
        migrations.AlterField(
            model_name='interestregistration',
            name='organisation_name',
            field=cip.fields.OneLineCharField(max_length=200),
        ),
        cip.fields.keep_existing_on_one_line(
            "projects", {"interestregistration": ["organisation_name"]}
        ),
    ]
