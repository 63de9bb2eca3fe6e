from django.urls import path

from datasharing import agreement_views, candidate_views, views

app_name = "datasharing"
urlpatterns = [
    path("returns/", views.returns_home, name="home"),
    path("returns/periods/<int:pk>/", views.period_tracker, name="tracker"),
    path("returns/periods/<int:pk>/dates/", views.period_dates, name="period_dates"),
    path("returns/periods/<int:pk>/export.<str:kind>", views.period_export, name="export"),
    path("returns/data-dictionary/", views.data_dictionary, name="dictionary"),
    path("returns/regions/<str:code>/periods/new/", views.period_new, name="period_new"),
    path("returns/deputies/<str:la_code>/", views.deputies, name="deputies"),
    path("returns/periods/<int:pk>/start/", views.return_start, name="start"),
    path("returns/periods/<int:pk>/start-joint/", views.joint_start, name="joint_start"),
    path("returns/<int:pk>/", views.return_detail, name="detail"),
    path("returns/<int:pk>/figures/", views.figures_edit, name="edit"),
    path("returns/<int:pk>/statement/", views.statement_edit, name="statement"),
    path("returns/<int:pk>/explain/", views.explain, name="explain"),
    path("returns/<int:pk>/upload/", views.upload, name="upload"),
    path(
        "returns/<int:pk>/template.<str:kind>",
        views.template_download,
        name="template",
    ),
    path("returns/<int:pk>/submit/", views.submit, name="submit"),
    path("returns/<int:pk>/authorise/", views.authorise, name="authorise"),
    path("returns/<int:pk>/reopen/", views.reopen, name="reopen"),
    path(
        "returns/candidates/<int:pk>/confirm/",
        candidate_views.candidate_confirm,
        name="candidate_confirm",
    ),
    path(
        "returns/candidates/<int:pk>/dismiss/",
        candidate_views.candidate_dismiss,
        name="candidate_dismiss",
    ),
    # The region's data sharing agreement
    path("sharing/<str:code>/", agreement_views.region_agreement, name="region_agreement"),
    path("sharing/<str:code>/new/", agreement_views.agreement_new, name="agreement_new"),
    path("sharing/agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement"),
    path(
        "sharing/agreements/<int:pk>/edit/", agreement_views.agreement_edit, name="agreement_edit"
    ),
    path(
        "sharing/agreements/<int:pk>/publish/",
        agreement_views.agreement_publish,
        name="agreement_publish",
    ),
    path(
        "sharing/agreements/<int:pk>/document/",
        agreement_views.agreement_document,
        name="agreement_document",
    ),
    path("sharing/agreements/<int:pk>/parties/new/", agreement_views.party_new, name="party_new"),
    path("sharing/parties/<int:pk>/leave/", agreement_views.party_leave, name="party_leave"),
    path(
        "sharing/parties/<int:pk>/evidence/", agreement_views.party_evidence, name="party_evidence"
    ),
]
