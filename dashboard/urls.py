"""The dashboard, exports of every list and the campaign status report."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    re_path(r"^exports/(?P<name>[a-z]+)\.(?P<fmt>csv|xlsx)$", views.export_list, name="export"),
    path("reports/status/", views.status_report, name="report-status"),
    path("reports/status.pdf", views.status_report_pdf, name="report-status-pdf"),
    path("reports/status/<int:pk>/", views.status_report, name="report-campaign"),
    path("reports/status/<int:pk>.pdf", views.status_report_pdf, name="report-campaign-pdf"),
]
