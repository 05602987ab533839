from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaigns"

    def ready(self):
        from jurisdictions.services import list_changes_recorded

        from .signals import alert_list_changes

        list_changes_recorded.connect(alert_list_changes, dispatch_uid="campaigns-alert-list-changes")
