import django_filters
from django.http import QueryDict
from django.template.loader import get_template


class StatePostalFilterSet(django_filters.FilterSet):
    """A FilterSet whose `state` is a postal code, matched whatever the case people type it in."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("state"):
            data = data.copy()
            data["state"] = data["state"].strip().upper()
        super().__init__(data, *args, **kwargs)


class FiltersUnreadable(Exception):
    """A list's filter value that cannot be read: its page answers 400 with `context`, and is never kept."""

    def __init__(self, context):
        super().__init__("filters unreadable")
        self.context = context


def page_number_value(value):
    """A page number as the list reads it, or None when it is not one."""
    try:
        return str(int(value))
    except ValueError:
        return None


def list_query(params, names, checks):
    """The parameters `names` of `params` (a request's GET), in that order, the last value of each: all a
    list and its links depend on, so that equivalent addresses share one cached copy.

    checks: {name: check(value) -> the value, or None when the list cannot use it}; a value the list
    cannot use is left out (the page shows the default then, as it would with the value).
    """
    query = QueryDict(mutable=True)
    for name in names:
        if name not in params:
            continue
        check = checks.get(name)
        value = params[name] if check is None else check(params[name])
        if value is not None:
            query[name] = value
    return query


def export_links(request, export, export_class):
    """A list's export links, for the request's own query string: never part of a cached copy."""
    return get_template("core/export_links.html").render(
        {"request": request, "export": export, "export_class": export_class}
    )
