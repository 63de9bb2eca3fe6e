from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/roles/add/", views.membership_add, name="membership_add"),
    path(
        "people/<int:pk>/roles/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "people/<int:pk>/deactivate/",
        views.person_set_active,
        {"active": False},
        name="person_deactivate",
    ),
    path(
        "people/<int:pk>/reactivate/",
        views.person_set_active,
        {"active": True},
        name="person_reactivate",
    ),
    path("people/<int:pk>/unlock/", views.person_unlock, name="person_unlock"),
    path(
        "people/<int:pk>/two-factor/reset/",
        views.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="set_password",
    ),
]
