from django.urls import path

from . import views

app_name = "jurisdictions"

urlpatterns = [
    path("", views.jurisdiction_list, name="list"),
    path("map/", views.jurisdiction_map, name="map"),
    path("map/data.json", views.map_data, name="map-data"),
    path("<int:pk>/", views.jurisdiction_detail, name="detail"),
    path("<int:pk>/policy/new/", views.policy_record_new, name="policy-new"),
]
