from ._notify import NotifyCommand


class Command(NotifyCommand):
    help = (
        "Send the deadline reminders and overdue reminders due now (each user's local morning), the same "
        "way the hourly task does. Each email goes out once, however often this runs."
    )
    what = "reminders"
