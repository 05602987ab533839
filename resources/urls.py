from django.urls import path

from . import views, views_options

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("new/", views.resource_new, name="new"),
    path("suggest/", views.resource_suggest, name="suggest"),
    path("options/", views_options.resource_options, name="options"),
    path("detainer-analysis/", views.detainer_analysis, name="detainer-analysis"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("<int:pk>/", views.resource_detail, name="detail"),
    path("<int:pk>/edit/", views.resource_edit, name="edit"),
    path("<int:pk>/review/", views.resource_review, name="review"),
    path("<int:pk>/file/", views.resource_file, name="file"),
]
