# The share's check under the case lock asks whether a disclosure of the case ran out
# (consent.selectors.run_out_on): with this index a few rows, not every disclosure.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0014_disclosure_end_reasons_all"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="disclosure",
            index=models.Index(
                condition=models.Q(("until__isnull", False), ("withdrawn_at__isnull", True)),
                fields=["until"],
                name="disclosure_active_until",
            ),
        ),
    ]
