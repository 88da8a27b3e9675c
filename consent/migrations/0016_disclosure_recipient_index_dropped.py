# Every share writes a disclosure per recipient, and each index is one more write: the
# recipient's own index goes, as the first column of disclosure_recipient_entry, which serves
# the same reads.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0015_disclosure_active_until_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='disclosure',
            name='recipient',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures_received', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
    ]
