"""Database-level protection of the append-only ledger: UPDATE (and on PostgreSQL also DELETE)
of a ledger entry is refused by a trigger, whatever code or SQL client tries it.

SQLite gets the UPDATE trigger only: its test databases are emptied with DELETE, which a DELETE
trigger would block; deletes are still refused by the model and queryset guards there, and a
user with entries cannot be deleted (PROTECT)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION rewards_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'rewards ledger entries are append-only: write a reversing entry instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rewards_ledger_no_update BEFORE UPDATE OR DELETE ON rewards_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION rewards_ledger_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS rewards_ledger_no_update ON rewards_ledgerentry;
DROP FUNCTION IF EXISTS rewards_ledger_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER rewards_ledger_no_update BEFORE UPDATE ON rewards_ledgerentry
BEGIN SELECT RAISE(ABORT, 'rewards ledger entries are append-only: write a reversing entry instead'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS rewards_ledger_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
