from django.db import migrations, models


class Migration(migrations.Migration):
    """The kinds moved to a registry the apps fill (coordination.notifications): the column is a
    plain string from now on, so a new kind needs no migration here."""

    dependencies = [
        ("coordination", "0006_guardianship"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=32, verbose_name="kind"),
        ),
    ]
