from django.urls import path

from msp import views

app_name = "msp"
urlpatterns = [
    path("msps/", views.msp_list, name="msp_list"),
    path("msps/choices.json", views.msp_choices, name="msp_choices"),
    path("msps/new/", views.msp_edit, name="msp_create"),
    path("msps/<int:pk>/", views.msp_detail, name="msp_detail"),
    path("msps/<int:pk>/edit/", views.msp_edit, name="msp_edit"),
    path("msps/<int:pk>/contracts/new/", views.contract_add, name="contract_add"),
    path("msps/<int:pk>/chain/new/", views.chain_add, name="chain_add"),
    path("msps/<int:pk>/reviews/new/", views.review_add, {"subject": "msp"}, name="msp_review_add"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("agencies/export.csv", views.agency_export, name="agency_export"),
    path("agencies/choices.json", views.agency_choices, name="agency_choices"),
    path("agencies/new/", views.agency_edit, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/standing/<str:code>/", views.standing_set, name="standing_set"),
    path(
        "agencies/<int:pk>/reviews/new/",
        views.review_add,
        {"subject": "agency"},
        name="agency_review_add",
    ),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/actions/new/", views.review_action_add, name="review_action_add"),
    path(
        "reviews/<int:pk>/actions/<int:action_pk>/done/",
        views.review_action_done,
        name="review_action_done",
    ),
    path(
        "regions/<str:code>/escalation-contact/",
        views.escalation_contact_edit,
        name="escalation_contact",
    ),
]
