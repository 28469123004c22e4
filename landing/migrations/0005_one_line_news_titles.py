# Fields that head emails and calendar entries are kept on one line; existing values too.

import cip.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('landing', '0004_news_announces_insight'),
    ]

    operations = [
        migrations.AlterField(
            model_name='newspost',
            name='title',
            field=cip.fields.OneLineCharField(max_length=200),
        ),
        cip.fields.keep_existing_on_one_line(
            "landing", {"newspost": ["title"]}
        ),
    ]
