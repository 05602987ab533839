from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import sessions, two_factor

        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="accounts-session-start")
        user_logged_in.connect(two_factor.on_user_logged_in, dispatch_uid="accounts-two-factor-state")
