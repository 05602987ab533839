"""Sign-in pages of our own: the throttled password reset, and two-factor sign-in (accounts.two_factor)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from core.throttle import client_ip, throttle_count, throttle_hit

RESET_SCOPE_EMAIL = "password-reset-email"
RESET_SCOPE_ADDRESS = "password-reset-address"


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, sending at most PASSWORD_RESET_LIMIT_PER_EMAIL emails an hour to one address
    and taking at most PASSWORD_RESET_LIMIT_PER_ADDRESS requests an hour from one client.

    Every request counts, whether or not an account has the address, so the answer tells nothing about
    who has an account.
    """

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_WINDOW
        email = form.cleaned_data["email"].strip().lower()
        address = client_ip(self.request)
        too_many = (
            throttle_count(RESET_SCOPE_EMAIL, email, window=window) >= settings.PASSWORD_RESET_LIMIT_PER_EMAIL
            or throttle_count(RESET_SCOPE_ADDRESS, address, window=window) >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        )
        if too_many:
            form.add_error(None, _("Too many reset requests: wait an hour and try again, or ask an admin."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        throttle_hit(RESET_SCOPE_EMAIL, email, window=window)
        throttle_hit(RESET_SCOPE_ADDRESS, address, window=window)
        return super().form_valid(form)


password_reset = ThrottledPasswordResetView.as_view()
