"""The site's URLs and the floor every page is compared with: `make bench` serves this URLconf."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [*site_urlpatterns, path("bench/floor/", views.floor, name="bench-floor")]
