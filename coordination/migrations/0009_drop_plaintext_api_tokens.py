from django.db import migrations


class Migration(migrations.Migration):
    """DRF's token table (rest_framework.authtoken, no longer installed) kept every API token in
    clear text and for ever; knox's table (digests, with an expiry) replaces it. Its tokens stop
    working with this release anyway: the table goes, so no copy of them stays in the database."""

    dependencies = [("coordination", "0008_identity")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
