from django.urls import path

from governance import agenda_views, channel_views, review_views, views

app_name = "governance"
urlpatterns = [
    path("governance/", views.home, name="home"),
    path("governance/groups/<int:pk>/", views.group_detail, name="group"),
    path("governance/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("governance/groups/<int:pk>/members/new/", views.member_new, name="member_new"),
    path(
        "governance/groups/<int:pk>/members/<int:member_pk>/end/",
        views.member_end,
        name="member_end",
    ),
    path("governance/groups/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("governance/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("governance/meetings/<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("governance/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(
        "governance/meetings/<int:pk>/invitation.ics",
        views.meeting_invitation,
        name="meeting_invitation",
    ),
    path("governance/meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("governance/meetings/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("governance/meetings/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("governance/actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("governance/meetings/<int:pk>/items/new/", agenda_views.item_new, name="item_new"),
    path(
        "governance/meetings/<int:pk>/items/<int:item_pk>/move/",
        agenda_views.item_move,
        name="item_move",
    ),
    path(
        "governance/meetings/<int:pk>/items/<int:item_pk>/minute/",
        agenda_views.item_minute,
        name="item_minute",
    ),
    path(
        "governance/meetings/<int:pk>/items/<int:item_pk>/papers/new/",
        agenda_views.paper_new,
        name="paper_new",
    ),
    path(
        "governance/meetings/<int:pk>/items/<int:item_pk>/papers/<int:paper_pk>/",
        agenda_views.paper,
        name="paper",
    ),
    path(
        "governance/meetings/<int:pk>/items/<int:item_pk>/declarations/new/",
        agenda_views.declaration_new,
        name="declaration_new",
    ),
    path(
        "governance/meetings/<int:pk>/minutes/approve/",
        agenda_views.minutes_approve,
        name="minutes_approve",
    ),
    path(
        "governance/meetings/<int:pk>/minutes/publish/",
        agenda_views.minutes_publish,
        name="minutes_publish",
    ),
    path("governance/meetings/<int:pk>/packs/", agenda_views.pack_generate, name="pack_generate"),
    path("governance/meetings/<int:pk>/packs/<int:number>/", agenda_views.pack_page, name="pack"),
    path(
        "governance/meetings/<int:pk>/packs/<int:number>/pack.xlsx",
        agenda_views.pack_sheet,
        name="pack_sheet",
    ),
    path("governance/regions/<str:code>/structure/", views.structure, name="structure"),
    path(
        "governance/regions/<str:code>/directory/",
        channel_views.directory,
        name="directory",
    ),
    path(
        "governance/regions/<str:code>/directory.csv",
        channel_views.directory_csv,
        name="directory_csv",
    ),
    path("governance/groups/<int:pk>/messages/new/", channel_views.message_new, name="message_new"),
    path("governance/notices/", channel_views.notices, name="notices"),
    path("governance/regions/<str:code>/notices/new/", channel_views.notice_new, name="notice_new"),
    path("governance/notices/<int:pk>/", channel_views.notice, name="notice"),
    path(
        "governance/notices/<int:pk>/acknowledge/",
        channel_views.notice_acknowledge,
        name="notice_acknowledge",
    ),
    path(
        "governance/notices/<int:pk>/reissue/", channel_views.notice_reissue, name="notice_reissue"
    ),
    path("governance/issues/", channel_views.issues, name="issues"),
    path("governance/issues/new/", channel_views.issue_new, name="issue_new"),
    path("governance/issues/<int:pk>/", channel_views.issue, name="issue"),
    path("governance/issues/<int:pk>/answer/", channel_views.issue_answer, name="issue_answer"),
    path("governance/issues/<int:pk>/agenda/", channel_views.issue_agenda, name="issue_agenda"),
    path("governance/issues/<int:pk>/breach/", channel_views.issue_breach, name="issue_breach"),
    path("governance/regions/<str:code>/reviews/", review_views.reviews, name="reviews"),
    path("governance/reviews/<int:pk>/", review_views.review_detail, name="review"),
    path("governance/reviews/<int:pk>/questions/<str:key>/", review_views.answer, name="answer"),
    path("governance/reviews/<int:pk>/complete/", review_views.complete, name="review_complete"),
    path(
        "governance/regions/<str:code>/minutes/",
        agenda_views.shared_minutes,
        name="shared_minutes",
    ),
    path("governance/calendar/", views.calendar_settings, name="calendar"),
    path("governance/calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("governance/regions/<str:code>/groups/new/", views.group_new, name="group_new"),
    path(
        "governance/regions/<str:code>/representation/",
        views.representation,
        name="representation",
    ),
]
