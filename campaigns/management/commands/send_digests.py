from ._notify import NotifyCommand


class Command(NotifyCommand):
    help = (
        "Send the status digests due now (each user's chosen day and local hour), the same way the hourly "
        "task does. Each digest goes out once, however often this runs."
    )
    what = "digests"
