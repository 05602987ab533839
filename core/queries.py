"""Query expressions the apps share."""

from django.db.models import Aggregate, CharField, Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset, field):
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

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s)", **extra_context
        )


def ids_of(queryset, field, ids="pk"):
    """The `ids` of the rows of `queryset` whose `field` points at the outer row, as one comma-separated
    string (None when none): a subquery, so a list of ids comes with its row and needs no query of its own."""
    return Subquery(
        queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(ids=IdList(ids)).values("ids")
    )


def split_ids(value):
    """The ints of an ids_of() string."""
    return [int(pk) for pk in (value or "").split(",") if pk]
