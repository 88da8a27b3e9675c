# Every share writes an outbox row per person told, and each index is one more write: the
# recipient's own index goes, as the first column of notification_inbox, which serves the same
# reads.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0012_audit_chain_per_case'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='recipient',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
    ]
