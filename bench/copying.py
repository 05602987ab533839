"""Writing many rows fast: ids reserved from a sequence, rows streamed with COPY."""

from django.db import connection
from django.utils import timezone


def reserve_ids(model, count):
    """`count` consecutive ids taken from the model's sequence, for rows written with COPY."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return list(range(first, first + count))


# Fields whose Python value psycopg writes as it is: no Django conversion needed (the fast path).
PLAIN_FIELDS = (
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "UUIDField",
)


def _column_reader(field):
    """A function of an instance giving the value COPY writes for `field`."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # The time the row says it was made, not the time of the build (when given).
        return lambda obj: getattr(obj, attname) or timezone.now()
    if field.get_internal_type() in PLAIN_FIELDS and type(field).__module__.startswith("django.db.models"):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def copy_instances(model, instances, *, with_pk=False, bar=None):
    """Write unsaved instances of `model` with COPY; returns how many. Fields not set keep their model defaults."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    readers = [_column_reader(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in instances:
            copy.write_row([read(obj) for read in readers])
            written += 1
            if bar is not None and written % 1000 == 0:
                bar.update(1000)
    if bar is not None:
        bar.update(written % 1000)
    return written


class Writer:
    """Collects unsaved instances per model and writes them with COPY in chunks, so memory stays flat.

    Rows of different tables may go out in any order: Django's foreign keys on PostgreSQL are checked
    at commit (DEFERRABLE INITIALLY DEFERRED), and the whole build is one transaction.
    """

    CHUNK = 20000

    def __init__(self, bar=None):
        self.bar = bar
        self.buffers = {}
        self.counts = {}

    def add(self, model, obj, *, with_pk=False):
        buffer = self.buffers.setdefault((model, with_pk), [])
        buffer.append(obj)
        if len(buffer) >= self.CHUNK:
            self._flush(model, with_pk)

    def _flush(self, model, with_pk):
        rows = self.buffers.pop((model, with_pk), [])
        if rows:
            name = model._meta.verbose_name_plural
            self.counts[name] = self.counts.get(name, 0) + copy_instances(model, rows, with_pk=with_pk, bar=self.bar)

    def flush(self):
        for model, with_pk in list(self.buffers):
            self._flush(model, with_pk)
