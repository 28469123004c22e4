# Fields that head emails and calendar entries are kept on one line; existing values too.

import cip.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scoping', '0006_programme_data_sets'),
    ]

    operations = [
        migrations.AlterField(
            model_name='idea',
            name='title',
            field=cip.fields.OneLineCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name='scopingsession',
            name='location',
            field=cip.fields.OneLineCharField(blank=True, max_length=500, verbose_name='Place or online link'),
        ),
        cip.fields.keep_existing_on_one_line(
            "scoping", {"idea": ["title"], "scopingsession": ["location"]}
        ),
    ]
