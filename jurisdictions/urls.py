from django.urls import path

from . import views, views_map

app_name = "jurisdictions"

urlpatterns = [
    path("", views.jurisdiction_list, name="list"),
    path("map/", views_map.jurisdiction_map, name="map"),
    path("map/data.json", views_map.map_data, name="map-data"),
    path("<int:pk>/", views.jurisdiction_detail, name="detail"),
    path("<int:pk>/policy/new/", views.policy_record_new, name="policy-new"),
    path("policy/<int:record_id>/document/", views.policy_document, name="policy-document"),
]
