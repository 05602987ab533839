"""Two-factor sign-in: required of staff and admins before any page, offered to organizers, with recovery codes."""

import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from core import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True


def _password(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize("role", [roles.STAFF, roles.ADMIN])
def test_staff_and_admins_without_an_authenticator_must_set_one_up_before_any_page(client, role):
    user = f.UserFactory(role=role)
    assert _password(client, user).status_code == 302
    for url in ["/", "/campaigns/", "/resources/", "/admin/", "/settings/api-tokens/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two-factor:setup") + "?next="), url
    api = client.get("/api/campaigns/")
    assert api.status_code == 403
    assert "Set up two-factor sign-in first" in api.json()["detail"]


def test_a_superuser_without_a_role_must_set_it_up_too(client):
    user = f.UserFactory(is_staff=True, is_superuser=True)
    _password(client, user)
    assert client.get("/admin/")["Location"].startswith(reverse("two-factor:setup"))


def test_organizers_are_not_asked_unless_they_turned_it_on(client):
    organizer = f.UserFactory(role=roles.ORGANIZER)
    _password(client, organizer)
    assert client.get("/").status_code == 200


def test_setting_up_an_authenticator_confirms_it_shows_recovery_codes_and_lets_the_user_on(client):
    staff = f.UserFactory(role=roles.STAFF)
    _password(client, staff)
    page = client.get(reverse("two-factor:setup") + "?next=/campaigns/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    # Reloading the page keeps the same secret.
    client.get(reverse("two-factor:setup"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    wrong = client.post(reverse("two-factor:setup"), {"code": "000000", "next": "/campaigns/"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):
        done = client.post(reverse("two-factor:setup"), {"code": f.totp_code(device), "next": "/campaigns/"})
    assert done.status_code == 200
    codes = re.findall(r'<li class="col">(\w+)</li>', done.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert 'href="/campaigns/"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/campaigns/").status_code == 200


def test_with_an_authenticator_a_code_is_asked_after_the_password_for_every_role(client):
    organizer = f.UserFactory(role=roles.ORGANIZER)
    device = f.authenticator_for(organizer)
    _password(client, organizer)
    response = client.get("/campaigns/")
    assert response["Location"] == reverse("two-factor:verify") + "?next=%2Fcampaigns%2F"
    assert client.post(reverse("two-factor:verify"), {"code": "123456"}).status_code == 400
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):  # past the wait after a wrong code
        response = client.post(reverse("two-factor:verify"), {"code": f.totp_code(device), "next": "/campaigns/"})
    assert response.status_code == 302 and response["Location"] == "/campaigns/"
    assert client.get("/campaigns/").status_code == 200


def test_a_code_is_used_once(client):
    staff = f.UserFactory(role=roles.STAFF)
    device = f.authenticator_for(staff)
    code = f.totp_code(device)
    _password(client, staff)
    assert client.post(reverse("two-factor:verify"), {"code": code}).status_code == 302
    other = client.__class__()
    _password(other, staff)
    assert other.post(reverse("two-factor:verify"), {"code": code}).status_code == 400


def test_wrong_codes_are_throttled(client):
    staff = f.UserFactory(role=roles.STAFF)
    device = f.authenticator_for(staff)
    _password(client, staff)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert client.post(reverse("two-factor:verify"), {"code": "000000"}).status_code == 400
        clock.shift(1.5)  # past the 1 s wait after one wrong code
        assert client.post(reverse("two-factor:verify"), {"code": "000001"}).status_code == 400
        # Within the 2 s wait after the second, even the right code is refused: each wrong code doubles it.
        clock.shift(1)
        assert client.post(reverse("two-factor:verify"), {"code": f.totp_code(device)}).status_code == 400
        device.refresh_from_db()
        assert device.throttling_failure_count == 2
        clock.shift(2)
        assert client.post(reverse("two-factor:verify"), {"code": f.totp_code(device)}).status_code == 302


def test_a_recovery_code_signs_in_once(client):
    staff = f.UserFactory(role=roles.STAFF)
    f.authenticator_for(staff)
    codes = two_factor.recovery_codes_replace(user=staff)
    _password(client, staff)
    assert client.post(reverse("two-factor:verify"), {"code": codes[0]}).status_code == 302
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    other = client.__class__()
    _password(other, staff)
    assert other.post(reverse("two-factor:verify"), {"code": codes[0]}).status_code == 400


def test_organizers_may_turn_it_off_staff_may_not(client):
    organizer = f.UserFactory(role=roles.ORGANIZER)
    client.force_login(organizer)
    assert "Set up two-factor sign-in" in client.get(reverse("two-factor:manage")).content.decode()
    f.authenticator_for(organizer)
    client.force_login(organizer)  # a new sign-in: a code is now asked
    assert client.get(reverse("two-factor:manage")).status_code == 302
    staff = f.UserFactory(role=roles.STAFF)
    with pytest.raises(PermissionError):
        two_factor.two_factor_remove(user=staff)
    two_factor.two_factor_remove(user=organizer)
    assert not TOTPDevice.objects.filter(user=organizer).exists()


def test_the_manage_page_makes_new_recovery_codes(client):
    organizer = f.UserFactory(role=roles.ORGANIZER)
    device = f.authenticator_for(organizer)
    _password(client, organizer)
    client.post(reverse("two-factor:verify"), {"code": f.totp_code(device)})
    old = two_factor.recovery_codes_replace(user=organizer)
    page = client.get(reverse("two-factor:manage")).content.decode()
    assert "10 recovery codes left" in page
    response = client.post(reverse("two-factor:recovery-codes"))
    new = re.findall(r'<li class="col">(\w+)</li>', response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    turned_off = client.post(reverse("two-factor:turn-off"))
    assert turned_off.status_code == 302
    assert not TOTPDevice.objects.filter(user=organizer).exists()


def test_pages_before_the_second_step_stay_open(client):
    staff = f.UserFactory(role=roles.STAFF)
    _password(client, staff)
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("set_language"), {"language": "es", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_a_next_address_elsewhere_is_not_followed(client):
    staff = f.UserFactory(role=roles.STAFF)
    device = f.authenticator_for(staff)
    _password(client, staff)
    response = client.post(reverse("two-factor:verify"), {"code": f.totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_demo_staff_sign_in_with_the_printed_demo_code(client, data_slice, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.SHARED_DATA_DIR = data_slice
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    printed = out.getvalue()
    assert two_factor.demo_secret()[:4] in printed and "manage.py demo_code" in printed
    code = StringIO()
    call_command("demo_code", stdout=code)
    client.post(reverse("login"), {"username": "staff1", "password": "demo-pass-2026"})
    assert client.get("/")["Location"].startswith(reverse("two-factor:verify"))
    assert client.post(reverse("two-factor:verify"), {"code": code.getvalue().strip()}).status_code == 302
    assert client.get("/").status_code == 200
    organizer = client.__class__()
    organizer.post(reverse("login"), {"username": "organizer1", "password": "demo-pass-2026"})
    assert organizer.get("/").status_code == 200


TWO_FACTOR_URLS = [
    ("get", "two-factor:verify"),
    ("get", "two-factor:setup"),
    ("get", "two-factor:manage"),
    ("post", "two-factor:recovery-codes"),
    ("post", "two-factor:turn-off"),
]


@pytest.mark.parametrize(("method", "name"), TWO_FACTOR_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, name):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [roles.ORGANIZER, roles.STAFF, roles.ADMIN])
def test_each_role_manages_its_own_two_factor_sign_in(client, role):
    user = f.UserFactory(role=role)
    device = f.authenticator_for(user)
    _password(client, user)
    client.post(reverse("two-factor:verify"), {"code": f.totp_code(device)})
    page = client.get(reverse("two-factor:manage"))
    assert page.status_code == 200
    assert ("Turn off" in page.content.decode()) is (role == roles.ORGANIZER)
    response = client.post(reverse("two-factor:turn-off"))
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user).exists() is (role != roles.ORGANIZER)
    # Recovery codes are the user's own: nobody else's change.
    other = f.UserFactory(role=roles.ORGANIZER)
    others = two_factor.recovery_codes_replace(user=other)
    if role != roles.ORGANIZER:
        client.post(reverse("two-factor:recovery-codes"))
    assert set(StaticToken.objects.filter(device__user=other).values_list("token", flat=True)) == set(others)


def test_the_code_step_in_spanish(client):
    staff = f.UserFactory(role=roles.STAFF)
    f.authenticator_for(staff)
    _password(client, staff)
    page = client.get(reverse("two-factor:verify"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Inicio de sesión en dos pasos" in page.content.decode()
    assert "Escriba uno de sus códigos de recuperación" in page.content.decode()
