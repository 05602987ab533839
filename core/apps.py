from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .roles import sync_role_permissions


def _sync_roles(sender, **kwargs):
    sync_role_permissions()


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

    def ready(self):
        # Models added after the roles migration get their permissions on the next migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="core.sync_roles")
        from simple_history.signals import pre_create_historical_record

        from .history import fill_source

        # Each change kept in a record's history says where it came from (core.history).
        pre_create_historical_record.connect(fill_source, dispatch_uid="core.history_source")
