"""Append-only tables: history, verification decisions, the audit log. The application refuses to
change or delete a row (AppendOnlyMixin), and on PostgreSQL a trigger refuses it too
(append_only_sql, run from each table's migration). History models build on AppendOnlyHistory."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyMixin:
    """Put before models.Model in the bases: `class History(AppendOnlyMixin, models.Model)`."""

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} rows are append-only.")


class AppendOnlyHistory(AppendOnlyMixin, models.Model):
    """A history row: written once by a service, never changed or deleted by the application.
    On PostgreSQL a trigger refuses UPDATE and DELETE too (see `append_only_sql`)."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "portal.User", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def append_only_sql(table: str) -> tuple[str, str]:
    """(create, drop) SQL for a PostgreSQL trigger refusing UPDATE and DELETE on `table`.
    Deleting the parent row is still possible only by a superuser disabling the trigger."""
    create = f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
    drop = f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}; DROP FUNCTION IF EXISTS {table}_append_only();"
    return create, drop
