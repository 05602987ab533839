from django.urls import path

from . import views, views_letters, views_meetings, views_notifications, views_prep, views_questions, views_requests

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("jurisdiction-options/", views.jurisdiction_options, name="jurisdiction-options"),
    path("question-sets/", views_questions.question_set_list, name="question-sets"),
    path("question-sets/new/", views_questions.question_set_new, name="question-set-new"),
    path("question-sets/<int:set_pk>/", views_questions.question_set_detail, name="question-set-detail"),
    path("question-sets/<int:set_pk>/edit/", views_questions.question_set_edit, name="question-set-edit"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/stage/", views.campaign_stage, name="stage"),
    path("<int:pk>/team/", views.campaign_team, name="team"),
    path("<int:pk>/targets/new/", views.target_new, name="target-new"),
    path("<int:pk>/targets/<int:target_pk>/stance/", views.target_stance, name="target-stance"),
    path("<int:pk>/targets/<int:target_pk>/prep/", views_prep.prep_packet, name="prep-packet"),
    path("<int:pk>/targets/<int:target_pk>/prep.pdf", views_prep.prep_packet_pdf, name="prep-packet-pdf"),
    path("<int:pk>/meetings/new/", views_meetings.meeting_new, name="meeting-new"),
    path("<int:pk>/meetings/questions/", views_meetings.meeting_questions, name="meeting-questions"),
    path("<int:pk>/meetings/<int:meeting_pk>/", views_meetings.meeting_detail, name="meeting-detail"),
    path("<int:pk>/meetings/<int:meeting_pk>/edit/", views_meetings.meeting_edit, name="meeting-edit"),
    path("<int:pk>/meetings/<int:meeting_pk>/discard/", views_meetings.meeting_discard, name="meeting-discard"),
    path("<int:pk>/requests/new/", views_requests.request_new, name="request-new"),
    path("<int:pk>/requests/due-preview/", views_requests.request_due_preview, name="request-due-preview"),
    path("<int:pk>/requests/<int:request_pk>/", views_requests.request_detail, name="request-detail"),
    path("<int:pk>/letters/new/", views_letters.letter_new, name="letter-new"),
    path("<int:pk>/letters/<int:letter_pk>/", views_letters.letter_detail, name="letter-detail"),
    path("<int:pk>/letters/<int:letter_pk>/edit/", views_letters.letter_edit, name="letter-edit"),
    path("<int:pk>/letters/<int:letter_pk>/letter.docx", views_letters.letter_docx, name="letter-docx"),
    path("<int:pk>/letters/<int:letter_pk>/letter.pdf", views_letters.letter_pdf, name="letter-pdf"),
    path("<int:pk>/deadlines/new/", views.deadline_new, name="deadline-new"),
    path("<int:pk>/deadlines/<int:deadline_pk>/edit/", views.deadline_edit, name="deadline-edit"),
    path("<int:pk>/deadlines/<int:deadline_pk>/<str:action>/", views.deadline_action, name="deadline-action"),
    path("notifications/", views_notifications.notification_settings, name="notification-settings"),
    path("notifications/opt-outs/", views_notifications.notification_opt_outs, name="notification-opt-outs"),
    path("unsubscribe/<str:token>/", views_notifications.unsubscribe, name="unsubscribe"),
]
