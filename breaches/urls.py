from django.urls import path

from breaches import views

app_name = "breaches"
urlpatterns = [
    path("breaches/", views.BreachListView.as_view(), name="list"),
    path("breaches/export.csv", views.breach_export, name="export"),
    path("breaches/new/", views.log_breach, name="log"),
    path("breaches/<str:reference>/", views.breach_detail, name="detail"),
    path("breaches/<str:reference>/comments/", views.breach_comment, name="comment"),
    path("breaches/<str:reference>/evidence/", views.breach_evidence_add, name="evidence_add"),
    path("breaches/<str:reference>/evidence/<int:pk>/", views.breach_evidence, name="evidence"),
    path("breaches/<str:reference>/<str:action>/", views.breach_action, name="action"),
]
