from django.contrib import admin
from django.urls import include, path

from governance_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accessibility", views.accessibility_statement, name="accessibility"),
    path("search/", views.search, name="search"),
    path("", include("accounts.auth_urls")),
    path("", include("accounts.urls")),
    path("", include("mou.urls")),
    path("", include("msp.urls")),
    path("", include("cap_exceptions.urls")),
    path("", include("breaches.urls")),
    path("", include("dashboards.urls")),
    path("", include("datasharing.urls")),
    path("", include("governance.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "governance_portal.views.server_error"
