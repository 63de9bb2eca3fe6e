from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("dashboards/", views.dashboard_home, name="home"),
    path("dashboards/national/<slug:slug>.csv", views.national_csv, name="national_csv"),
    path("dashboards/returns/", views.national_returns, name="national_returns"),
    path("dashboards/<str:code>/", views.region_dashboard, name="region"),
    path("dashboards/<str:code>/returns/", views.region_returns, name="region_returns"),
    path("dashboards/<str:code>/<slug:slug>.csv", views.figure_csv, name="figure_csv"),
]
