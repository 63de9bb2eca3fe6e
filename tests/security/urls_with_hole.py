"""The project's URLs plus two deliberate holes, to prove the URL walker can fail."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def leak(request):
    return HttpResponse("everything")


def peek(request, pk):
    return HttpResponse(f"record {pk}")


urlpatterns = [
    path("", include("governance_portal.urls")),
    path("leak/", leak, name="leak"),
    path("records/<int:pk>/", peek, name="peek"),
]
