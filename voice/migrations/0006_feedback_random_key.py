"""Feedback gets a random key: a counting id would order anonymous answers among signed ones
(which carry a time), and so tell roughly when an anonymous answer was given."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0005_alter_entryversion_remark_goal_step"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "ALTER TABLE voice_feedback ALTER COLUMN id DROP IDENTITY IF EXISTS",
                "ALTER TABLE voice_feedback ALTER COLUMN id TYPE uuid USING gen_random_uuid()",
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="feedback",
                    name="id",
                    field=models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
            ],
        ),
    ]
