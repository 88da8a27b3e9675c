from django.db import migrations

# The audit log is append-only in the database itself, not only by convention in the code.
# TRUNCATE stays possible (test database flushes, a deliberate wipe by the DBA); the hash chain
# makes a partial removal of rows detectable.
FORBID_CHANGES = """
CREATE FUNCTION coordination_auditevent_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER coordination_auditevent_append_only
BEFORE UPDATE OR DELETE ON coordination_auditevent
FOR EACH ROW EXECUTE FUNCTION coordination_auditevent_forbid_change();
"""

ALLOW_CHANGES = """
DROP TRIGGER IF EXISTS coordination_auditevent_append_only ON coordination_auditevent;
DROP FUNCTION IF EXISTS coordination_auditevent_forbid_change();
"""


class Migration(migrations.Migration):
    dependencies = [("coordination", "0002_notifications_audit")]

    operations = [migrations.RunSQL(FORBID_CHANGES, ALLOW_CHANGES)]
