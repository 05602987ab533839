from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.models import User
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save, pre_save

        from . import sessions, two_factor

        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="accounts-session-start")
        user_logged_in.connect(two_factor.on_user_logged_in, dispatch_uid="accounts-two-factor-state")

        pre_save.connect(_sign_in_time_only, sender=User, dispatch_uid="accounts-history-sign-in")
        post_save.connect(_saved, sender=User, dispatch_uid="accounts-history-saved")


def _sign_in_time_only(sender, instance, update_fields=None, **kwargs):
    """A save of the sign-in time alone is no change to the person: it is left out of their history."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        instance.skip_history_when_saving = True


def _saved(sender, instance, **kwargs):
    instance.__dict__.pop("skip_history_when_saving", None)
