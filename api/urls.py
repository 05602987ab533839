from django.contrib.auth.decorators import login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from . import views, views_shared

app_name = "api"

campaign = "campaigns/<int:pk>/"

urlpatterns = [
    # The schema and its docs are for signed-in users (a token works for the schema). The docs page loads its
    # script from a URL of its own (the split view), so the Content-Security-Policy needs no inline script.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    # Campaigns and their parts: the web's URLs under /api/.
    path("campaigns/", views.CampaignList.as_view(), name="campaigns"),
    path(campaign, views.CampaignDetail.as_view(), name="campaign"),
    path(f"{campaign}stage/", views.CampaignStage.as_view(), name="campaign-stage"),
    path(f"{campaign}team/", views.TeamList.as_view(), name="team"),
    path(f"{campaign}team/<int:member_pk>/", views.TeamMember.as_view(), name="team-member"),
    path(f"{campaign}targets/", views.TargetList.as_view(), name="targets"),
    path(f"{campaign}targets/<int:target_pk>/", views.TargetDetail.as_view(), name="target"),
    path(f"{campaign}targets/<int:target_pk>/stance/", views.TargetStance.as_view(), name="target-stance"),
    path(f"{campaign}meetings/", views.MeetingList.as_view(), name="meetings"),
    path(f"{campaign}meetings/<int:meeting_pk>/", views.MeetingDetail.as_view(), name="meeting"),
    path(f"{campaign}records-requests/", views.RecordsRequestList.as_view(), name="records-requests"),
    path(f"{campaign}records-requests/<int:request_pk>/", views.RecordsRequestDetail.as_view(), name="records-request"),
    path(
        f"{campaign}records-requests/<int:request_pk>/status/",
        views.RecordsRequestStatus.as_view(),
        name="records-request-status",
    ),
    path(f"{campaign}letters/", views.LetterList.as_view(), name="letters"),
    path(f"{campaign}letters/<int:letter_pk>/", views.LetterDetail.as_view(), name="letter"),
    path(f"{campaign}letters/<int:letter_pk>/status/", views.LetterStatus.as_view(), name="letter-status"),
    path(f"{campaign}deadlines/", views.DeadlineList.as_view(), name="deadlines"),
    path(f"{campaign}deadlines/<int:deadline_pk>/", views.DeadlineDetail.as_view(), name="deadline"),
    *[
        path(
            f"{campaign}deadlines/<int:deadline_pk>/{action}/",
            views.DeadlineAction.as_view(action_name=action),
            name=f"deadline-{action}",
        )
        for action in views.DEADLINE_ACTIONS
    ],
    path(f"{campaign}assignments/", views_shared.CampaignAssignments.as_view(), name="campaign-assignments"),
    path("deadlines/", views.MyDeadlines.as_view(), name="my-deadlines"),
    # Shared data.
    path("jurisdictions/", views_shared.JurisdictionList.as_view(), name="jurisdictions"),
    path("jurisdictions/<int:pk>/", views_shared.JurisdictionDetail.as_view(), name="jurisdiction"),
    path("jurisdictions/<int:pk>/policy-records/", views_shared.PolicyRecordList.as_view(), name="policy-records"),
    path("agreements-287g/", views_shared.AgreementList.as_view(), name="agreements"),
    path("agreements-287g/<int:pk>/", views_shared.AgreementDetail.as_view(), name="agreement"),
    path("resources/", views_shared.ResourceList.as_view(), name="resources"),
    path("resources/<int:pk>/", views_shared.ResourceDetail.as_view(), name="resource"),
    path("assignments/", views_shared.AssignmentList.as_view(), name="assignments"),
    path("assignments/<int:pk>/", views_shared.AssignmentDetail.as_view(), name="assignment"),
    path("assignments/<int:pk>/withdraw/", views_shared.AssignmentWithdraw.as_view(), name="assignment-withdraw"),
    # Anything else under /api/ is a 404 in the API's error shape, not the site's HTML page.
    re_path(r"^[\s\S]*$", views.not_found, name="not-found"),
]
