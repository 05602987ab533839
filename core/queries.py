"""Query expressions the apps share."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, CharField, Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler


def count_of(queryset: QuerySet[Any], field: str) -> Coalesce:
    """How many rows of `queryset` have `field` pointing at the outer row, as a subquery (0 when none).

    A subquery, not a join with GROUP BY: it is worked out only for the rows a page shows, after its limit.
    """
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class IdList(Aggregate):
    """Ids as one comma-separated string (STRING_AGG; GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s)", **extra_context
        )


def ids_of(queryset: QuerySet[Any], field: str, ids: str = "pk") -> Subquery:
    """The `ids` of the rows of `queryset` whose `field` points at the outer row, as one comma-separated
    string (None when none): a subquery, so a list of ids comes with its row and needs no query of its own."""
    return Subquery(
        queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(ids=IdList(ids)).values("ids")
    )


def split_ids(value: str | None) -> list[int]:
    """The ints of an ids_of() string."""
    return [int(pk) for pk in (value or "").split(",") if pk]
