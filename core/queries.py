"""Query expressions the apps share."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset, field):
    """How many rows of `queryset` have `field` pointing at the outer row, as a subquery (0 when none).

    A subquery, not a join with GROUP BY: it is worked out only for the rows a page shows, after its limit.
    """
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
