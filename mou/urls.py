from django.urls import path

from mou import views

app_name = "mou"
urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path(
        "local-authorities/",
        views.LocalAuthorityListView.as_view(),
        name="local_authority_list",
    ),
    path(
        "local-authorities/<str:la_code>/",
        views.local_authority_detail,
        name="local_authority_detail",
    ),
]
