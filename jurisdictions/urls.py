from django.urls import path

from . import views, views_changes, views_map, views_officials, views_open_data

app_name = "jurisdictions"

urlpatterns = [
    path("", views.jurisdiction_list, name="list"),
    path("map/", views_map.jurisdiction_map, name="map"),
    path("map/data.json", views_map.map_data, name="map-data"),
    path("export.csv", views_open_data.export_csv, name="export-csv"),
    path("export.geojson", views_open_data.export_geojson, name="export-geojson"),
    path("<int:pk>/", views.jurisdiction_detail, name="detail"),
    path("<int:pk>/policy/new/", views.policy_record_new, name="policy-new"),
    path("policy/<int:record_id>/document/", views.policy_document, name="policy-document"),
    path("follow/", views.follow, name="follow"),
    path("287g/changes/", views_changes.list_changes, name="list-changes"),
    path("287g/changes.csv", views_changes.list_changes_csv, name="list-changes-csv"),
    path("officials/", views_officials.official_list, name="officials"),
    path("officials/<int:pk>/", views_officials.official_detail, name="official"),
    path("officials/<int:pk>/edit/", views_officials.official_edit, name="official-edit"),
    path("agencies/<int:agency_pk>/officials/new/", views_officials.official_new, name="official-new"),
]
