from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from mou.filters import LocalAuthorityFilter
from mou.models import LocalAuthority, Region
from mou.tables import LocalAuthorityTable


@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.visible_to(request.user).annotate(
        local_authority_count=Count("local_authorities")
    )
    return render(request, "mou/region_list.html", {"regions": regions})


@require_GET
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), code=code)
    return render(
        request,
        "mou/region_detail.html",
        {"region": region, "local_authorities": region.local_authorities.all()},
    )


class LocalAuthorityListView(SingleTableMixin, FilterView):
    table_class = LocalAuthorityTable
    filterset_class = LocalAuthorityFilter
    template_name = "mou/local_authority_list.html"
    paginate_by = 50

    def get_queryset(self):
        return LocalAuthority.objects.visible_to(self.request.user).select_related("region")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}


@require_GET
def local_authority_detail(request: HttpRequest, la_code: str) -> HttpResponse:
    local_authority = get_object_or_404(
        LocalAuthority.objects.visible_to(request.user).select_related("region"), la_code=la_code
    )
    return render(request, "mou/local_authority_detail.html", {"local_authority": local_authority})
