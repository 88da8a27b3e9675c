# Every share writes a view_entry row per recipient, and each index is one more write: the
# entry's own index goes, as the first column of entry_uop_object_perm, which serves the same
# reads. (The person's own index stays: the entry list's plan is faster with it.)

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_access_event_entry_at_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='entryuserobjectpermission',
            name='content_object',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='cases.entry'),
        ),
    ]
