from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from api import views_web as api_views_web
from core import views as core_views
from jurisdictions import views_map as jurisdiction_map_views

urlpatterns = [
    path("", include("dashboard.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/password_reset/", accounts_views.password_reset, name="password_reset"),
    path("accounts/two-factor/", include("accounts.urls")),
    path("organizations/", include("accounts.urls_organizations")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jurisdictions/", include("jurisdictions.urls")),
    path("embed/map/", jurisdiction_map_views.embed_map, name="embed-map"),
    path("campaigns/", include("campaigns.urls")),
    path("resources/", include("resources.urls")),
    path("resources/", include("campaigns.urls_assignments")),
    path("api/", include("api.urls")),
    path("settings/api-tokens/", include("api.urls_web")),
    path("calendar/<str:token>.ics", api_views_web.calendar_feed, name="calendar-feed"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
