"""Per-person monthly points (MonthlyPoints), kept by an AFTER INSERT trigger on the ledger and
filled once from the entries already there. The earned kinds are those of LedgerEntry.EARNED_KINDS."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EARNED = "('award', 'grant')"
PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION rewards_monthly_points_add() RETURNS trigger AS $$
BEGIN
  IF NEW.kind IN {EARNED} THEN
    INSERT INTO rewards_monthlypoints (user_id, month, points)
    VALUES (NEW.user_id, date_trunc('month', NEW.created_at AT TIME ZONE 'UTC')::date, NEW.amount)
    ON CONFLICT (user_id, month) DO UPDATE SET points = rewards_monthlypoints.points + excluded.points;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rewards_monthly_points AFTER INSERT ON rewards_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION rewards_monthly_points_add();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS rewards_monthly_points ON rewards_ledgerentry;
DROP FUNCTION IF EXISTS rewards_monthly_points_add();
"""
# SQLite stores date-times as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
SQLITE_FORWARD = f"""
CREATE TRIGGER rewards_monthly_points AFTER INSERT ON rewards_ledgerentry WHEN NEW.kind IN {EARNED}
BEGIN
  INSERT INTO rewards_monthlypoints (user_id, month, points)
  VALUES (NEW.user_id, substr(NEW.created_at, 1, 7) || '-01', NEW.amount)
  ON CONFLICT (user_id, month) DO UPDATE SET points = points + excluded.points;
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS rewards_monthly_points;"


def totals_sql(vendor):
    """The monthly totals computed from the entries (what the trigger keeps)."""
    month = ("date_trunc('month', created_at AT TIME ZONE 'UTC')::date" if vendor == "postgresql"
             else "substr(created_at, 1, 7) || '-01'")
    return (f"SELECT user_id, {month}, SUM(amount) FROM rewards_ledgerentry WHERE kind IN {EARNED} "
            f"GROUP BY user_id, {month}")


def rebuild_sql(vendor):
    return f"INSERT INTO rewards_monthlypoints (user_id, month, points) {totals_sql(vendor)}"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    schema_editor.execute(PG_FORWARD if vendor == "postgresql" else SQLITE_FORWARD)
    schema_editor.execute(rebuild_sql(vendor))


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        schema_editor.execute(PG_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("rewards", "0003_ledger_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyPoints",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("points", models.BigIntegerField(default=0)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("user", "month"), name="rewards_monthly_points_once")],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
