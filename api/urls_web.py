from django.urls import path

from . import views_web

app_name = "api-settings"

urlpatterns = [
    path("", views_web.api_settings, name="page"),
    path("tokens/<int:token_pk>/revoke/", views_web.token_revoke, name="token-revoke"),
    path("calendar/", views_web.calendar_settings, name="calendar"),
]
