# An insight's title heads the emails about it, so it is kept on one line; existing ones too.

import cip.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0011_action_interest_emailed'),
    ]

    operations = [
        migrations.AlterField(
            model_name='insight',
            name='title',
            field=cip.fields.OneLineCharField(max_length=200),
        ),
        cip.fields.keep_existing_on_one_line("projects", {"insight": ["title"]}),
    ]
