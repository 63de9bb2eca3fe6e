from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("governance/", views.home, name="home"),
    path("governance/groups/<int:pk>/", views.group_detail, name="group"),
    path("governance/groups/<int:pk>/members/new/", views.member_new, name="member_new"),
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
    path("governance/calendar/", views.calendar_settings, name="calendar"),
    path("governance/calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("governance/regions/<str:code>/groups/new/", views.group_new, name="group_new"),
    path(
        "governance/regions/<str:code>/representation/",
        views.representation,
        name="representation",
    ),
]
