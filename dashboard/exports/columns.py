"""What an export is made of: its columns (header, the fields read, the kind of cell) and what a list exports."""

from dataclasses import dataclass, field

TEXT, NUMBER, DAY, MOMENT, CLOCK, FLAG = "text", "number", "date", "datetime", "time", "bool"


class BadFilters(Exception):
    """The list's filters could not be read: the export answers 400 with what was wrong."""

    def __init__(self, errors):
        super().__init__("bad filters")
        self.errors = errors


@dataclass(frozen=True)
class Column:
    """One exported column: its header, the `values_list` names it reads, and how it becomes a cell."""

    header: object
    fields: tuple
    kind: str = TEXT
    labels: object = None  # TextChoices: codes become their labels
    compose: object = None  # (*values) -> value, for a cell made from several fields
    link: tuple = ()  # (view name, number of ids): an absolute URL to the row's page
    width: int = 16


def text(header, name, width=24):
    return Column(header, (name,), TEXT, width=width)


def number(header, name, width=10):
    return Column(header, (name,), NUMBER, width=width)


def day(header, name):
    return Column(header, (name,), DAY, width=12)


def moment(header, name):
    return Column(header, (name,), MOMENT, width=17)


def clock(header, name):
    return Column(header, (name,), CLOCK, width=8)


def flag(header, name):
    return Column(header, (name,), FLAG, width=8)


def choice(header, name, choices, width=20):
    return Column(header, (name,), TEXT, labels=choices, width=width)


def _full_name(first, last, username):
    return f"{first or ''} {last or ''}".strip() or username or ""


def person(header, prefix):
    """A user's full name (or username), read from the three name fields of the relation `prefix`."""
    return Column(
        header, (f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username"), compose=_full_name, width=20
    )


def link(header, view_name, *id_fields):
    return Column(header, tuple(id_fields), TEXT, link=(view_name, len(id_fields)), width=40)


@dataclass(frozen=True)
class ListExport:
    name: str  # in the URL and the file name
    title: object  # the sheet's name
    rows: object  # (request) -> queryset: the page's filtered, ordered rows (raises BadFilters)
    columns: list
    annotate: object = None  # () -> {name: expression} for columns the page's queryset lacks
    public: bool = False  # the page itself is public (jurisdictions when the map is, public resources)
    fields: tuple = field(init=False, default=())

    def __post_init__(self):
        names = []
        for column in self.columns:
            for name in column.fields:
                if name not in names:
                    names.append(name)
        object.__setattr__(self, "fields", tuple(names))
