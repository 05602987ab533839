"""What the browser tests share: signing in through the real forms (the second step too) and catching errors,
including anything the Content-Security-Policy refused."""

from django.urls import reverse

from tests import factories

PASSWORD = "pass-1234-word"


def watch(page, errors):
    """Collect script errors, refusals by the Content-Security-Policy, and failed responses into `errors`."""
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and "Content Security Policy" in message.text and errors.append(message.text)
        ),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(f"{r.status} {r.url}"),
    )
    return errors


def sign_in(page, live_server, user, password=PASSWORD):
    """Sign in through the login form and, for a user with an authenticator (staff and admins get one here,
    as two-factor setup would give them), the code step; ends on the dashboard."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import two_factor_required

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and two_factor_required(user):
        device = factories.authenticator_for(user)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    if device is not None:
        page.wait_for_url(f"**{reverse('two-factor:verify')}**")
        page.fill("#id_code", factories.totp_code(device))
        page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + reverse("home"))
    return page
