import django_filters


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
