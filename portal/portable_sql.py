"""SQL that PostgreSQL and SQLite both answer, for the queries that carry a page's panels on one row.

PostgreSQL (tests, production) and SQLite (`make run`, `make test-fast`) must give the same Python
values: a list of dicts for a JSON array of rows, a list of numbers for an aggregate of values."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Aggregate, DateTimeField, Func, JSONField, Subquery


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class _SqliteJsonArraySubquery(Subquery):
    """The rows of a one-column JSON subquery as one JSON array (SQLite's json_group_array)."""

    template = "(SELECT json_group_array(json(_rows.%(column)s)) FROM (%(subquery)s) AS _rows)"
    output_field = JSONField()

    def __init__(self, queryset, **extra):
        columns = [*queryset.query.values_select, *queryset.query.annotation_select]
        if len(columns) != 1:
            raise ValueError("json_array_subquery takes a queryset of one column (values(name=...))")
        super().__init__(queryset, column=connection.ops.quote_name(columns[0]), **extra)


def json_array_subquery(queryset):
    """ARRAY(subquery) of JSON objects on PostgreSQL; the same list from SQLite."""
    return ArraySubquery(queryset) if _postgres() else _SqliteJsonArraySubquery(queryset)


class _SqliteJsonGroupArray(Aggregate):
    function = "json_group_array"
    output_field = JSONField()


def array_agg(expression, **extra):
    """ArrayAgg on PostgreSQL, json_group_array on SQLite (both with `filter=`): a list of values."""
    return ArrayAgg(expression, **extra) if _postgres() else _SqliteJsonGroupArray(expression, **extra)


class days_before(Func):  # noqa: N801 - reads as a value, like the functions it stands for
    """The moment `days` (an integer expression) days before `moment` (a datetime expression)."""

    output_field = DateTimeField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s * INTERVAL '1 day')", arg_joiner=" - ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text, compared as text; the
        # cutoff is to the second (no '%' format: the SQL is formatted again when nested).
        return self.as_sql(
            compiler, connection, template="datetime(%(expressions)s || ' days')", arg_joiner=", '-' || ", **extra
        )
