from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The dashboards at `/`, the campaign status table and report, and the exports of every list."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
