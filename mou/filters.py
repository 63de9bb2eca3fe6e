import django_filters
from django.db.models import Q

from mou.models import LocalAuthority, Region


class LocalAuthorityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Name or code", method="search", help_text="For example Camden, 202 or E09000007"
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), empty_label="All regions", to_field_name="code"
    )

    class Meta:
        model = LocalAuthority
        fields = ["q", "region"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = Region.objects.visible_to(user)

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(la_code=value) | Q(ons_code__iexact=value)
        )
