"""Assignments of library resources to campaigns, under /resources/ beside the library (config.urls)."""

from django.urls import path

from . import views_assignments

app_name = "assignments"

urlpatterns = [
    path("<int:pk>/assign/", views_assignments.resource_assign, name="assign"),
    path("<int:pk>/assignments/", views_assignments.resource_assignments, name="of-resource"),
    path("assignments/<int:pk>/", views_assignments.assignment_open, name="open"),
    path("assignments/<int:pk>/withdraw/", views_assignments.assignment_withdraw, name="withdraw"),
]
