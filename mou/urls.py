from django.urls import path, register_converter

from mou import views


class PartConverter:
    """The parts of a draft version edited on their own pages."""

    regex = "rule|level|cap"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PartConverter, "part")

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

mou_patterns = [
    path("mous/", views.mou_list, name="mou_list"),
    path("mous/<str:code>/", views.mou_detail, name="mou_detail"),
    path("mous/<str:code>/compare/", views.version_compare, name="version_compare"),
    path("mous/<str:code>/versions/new/", views.version_create, name="version_create"),
    path("mous/<str:code>/versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("mous/<str:code>/versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path(
        "mous/<str:code>/versions/<int:pk>/publish/", views.version_publish, name="version_publish"
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/withdraw/",
        views.version_withdraw,
        name="version_withdraw",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/document/",
        views.version_document,
        name="version_document",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/<part:part>s/new/",
        views.version_part_edit,
        name="part_add",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/<part:part>s/<int:part_pk>/",
        views.version_part_edit,
        name="part_edit",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/signatories/<str:la_code>/",
        views.signatory_edit,
        name="signatory_edit",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/signatories/<str:la_code>/evidence/",
        views.signatory_evidence,
        name="signatory_evidence",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/mark-signed/",
        views.signatories_mark_signed,
        name="signatories_mark_signed",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/carry-over/",
        views.signatories_carry_over,
        name="signatories_carry_over",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/signatories.csv",
        views.signatories_csv,
        name="signatories_csv",
    ),
    path(
        "mous/<str:code>/versions/<int:pk>/price-caps.csv",
        views.price_caps_csv,
        name="price_caps_csv",
    ),
]
urlpatterns += mou_patterns
