"""Two-factor sign-in (django-otp): a code from an authenticator app (TOTP) or a one-time recovery code.

After the password, a user with an authenticator is asked for a code before any page; staff and admins
without one are sent to set it up first (TWO_FACTOR_REQUIRED_FOR_STAFF). Organizers may set it up.
"""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import is_staff_member

# What the session knows of its second step, set once at sign-in: "verify" (the user has an authenticator,
# so a code is asked) or "none"; a session verified by a code carries django-otp's own device key too.
SESSION_KEY = "two_factor"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Views a signed-in user reaches before the second step: signing it, signing out, and pages with no data.
OPEN_VIEWS = {
    "login",
    "logout",
    "two-factor:verify",
    "two-factor:setup",
    "set_language",
    "healthz",
    "calendar-feed",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


# --- who must do what ----------------------------------------------------------------------------


def two_factor_required(user):
    """Staff, admins and anyone who may use the Django admin must sign in with a second step."""
    return settings.TWO_FACTOR_REQUIRED_FOR_STAFF and (is_staff_member(user) or user.is_staff)


def has_authenticator(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def on_user_logged_in(sender, request, user, **kwargs):
    """Note once, at sign-in, whether a code will be asked: pages after it then need no query to know."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = "verify" if has_authenticator(user) else "none"


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def _with_next(name, request):
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


class TwoFactorMiddleware:
    """Before any page but OPEN_VIEWS: a user with an authenticator enters a code; staff and admins without
    one set it up. The API answers 403 instead of sending a program to a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        state = request.session.get(SESSION_KEY)
        if state is None:  # a session from before two-factor sign-in existed
            state = request.session[SESSION_KEY] = "verify" if has_authenticator(user) else "none"
        if state == "verify":
            step, message = "two-factor:verify", _("Enter the code from your authenticator app first.")
        elif two_factor_required(user):
            step, message = "two-factor:setup", _("Set up two-factor sign-in first: staff and admins need it.")
        else:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": {}}, status=403)
        return redirect(_with_next(step, request))


# --- services ------------------------------------------------------------------------------------


def recovery_codes_replace(*, user):
    """New recovery codes for `user` (the old ones stop working). Returns the codes, to show once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def authenticator_pending(*, user):
    """The user's authenticator being set up (made on first call, the same secret until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def authenticator_confirm(*, device, code):
    """Confirm the device being set up with a code it shows; other authenticators of the user are removed.
    Returns whether the code was right."""
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def two_factor_remove(*, user):
    """Remove the user's authenticator and recovery codes (organizers only: staff and admins must keep them)."""
    if two_factor_required(user):
        raise PermissionError("Staff and admins keep two-factor sign-in.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def code_verify(*, user, code):
    """The device (authenticator or recovery codes) that accepts `code`, or None. Each device throttles
    wrong codes itself (a growing wait after each), so codes cannot be guessed at speed."""
    code = "".join(code.split())
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


# The demo's authenticator key, the same for every demo staff member and admin (seed_demo), published in
# the README so anyone trying the demo can add it to an app or run `manage.py demo_code`. Never for real
# accounts: seed_demo alone uses it.
DEMO_KEY = b"campaign-desk-demo!!"
DEMO_DEVICE_NAME = "Demo authenticator"


def demo_secret():
    """The demo key as an authenticator app takes it (base32)."""
    import base64

    return base64.b32encode(DEMO_KEY).decode()


def demo_code():
    from django_otp.oath import TOTP

    return f"{TOTP(DEMO_KEY).token():06d}"


def demo_authenticator_ensure(*, user):
    """Give a demo user the demo authenticator, unless they have set up one of their own."""
    if has_authenticator(user):
        return None
    return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=DEMO_KEY.hex(), confirmed=True)


# --- views ---------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


@login_required
def verify(request):
    """The second step of signing in."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not devices_for_user(request.user, confirmed=True):
        return redirect(_with_next("two-factor:setup", request) if two_factor_required(request.user) else "home")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = code_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(request, _("You signed in with a recovery code; %(left)d are left.") % {"left": left})
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not right, or it expired. Wait for a new one and try again."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}, status=status)


@login_required
def setup(request):
    """Set up an authenticator app: scan the code (or type the secret), then enter a code it shows."""
    user = request.user
    if has_authenticator(user) and not user.is_verified():
        return redirect(_with_next("two-factor:verify", request))
    device = authenticator_pending(user=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if authenticator_confirm(device=device, code=form.cleaned_data["code"]):
            otp_login(request, device)
            request.session[SESSION_KEY] = "verify"
            codes = recovery_codes_replace(user=user)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("code", _("That code is not right. Check the time on your phone and try a new code."))
        status = 400
    elif request.method == "POST":
        status = 400
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "next": _next_url(request),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor_required(user),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@login_required
def manage(request):
    """Whether two-factor sign-in is on, new recovery codes, and (for organizers) turning it off."""
    user = request.user
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    context = {
        "enabled": has_authenticator(user),
        "required": two_factor_required(user),
        "codes_left": StaticToken.objects.filter(device=recovery).count() if recovery else 0,
    }
    return render(request, "accounts/two_factor_manage.html", context)


@login_required
@require_POST
def recovery_codes(request):
    if not has_authenticator(request.user):
        return redirect("two-factor:manage")
    codes = recovery_codes_replace(user=request.user)
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": reverse("two-factor:manage")})


@login_required
@require_POST
def turn_off(request):
    try:
        two_factor_remove(user=request.user)
    except PermissionError:
        messages.error(request, _("Staff and admins keep two-factor sign-in on."))
    else:
        request.session[SESSION_KEY] = "none"
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two-factor:manage")
