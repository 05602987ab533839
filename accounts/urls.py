from django.urls import path

from . import two_factor

app_name = "two-factor"

urlpatterns = [
    path("", two_factor.verify, name="verify"),
    path("setup/", two_factor.setup, name="setup"),
    path("manage/", two_factor.manage, name="manage"),
    path("recovery-codes/", two_factor.recovery_codes, name="recovery-codes"),
    path("turn-off/", two_factor.turn_off, name="turn-off"),
]
