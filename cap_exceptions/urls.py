from django.urls import path

from cap_exceptions import views

app_name = "cap_exceptions"
urlpatterns = [
    path("cap-exceptions/", views.RegisterView.as_view(), name="register"),
    path("cap-exceptions/export.csv", views.register_export, name="export"),
    path("cap-exceptions/new/", views.request_new, name="request"),
    path("cap-exceptions/<int:pk>/", views.detail, name="detail"),
    path("cap-exceptions/<int:pk>/decide/", views.decide, name="decide"),
    path("cap-exceptions/<int:pk>/end/", views.end_early, name="end_early"),
    path("cap-exceptions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("cap-exceptions/<int:renew_pk>/renew/", views.request_new, name="renew"),
]
