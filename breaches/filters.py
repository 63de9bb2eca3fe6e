import django_filters
from django.db.models import Q

from breaches.models import Breach, BreachState, BreachType


class BreachFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference", method="search")
    state = django_filters.ChoiceFilter(
        choices=BreachState.choices, label="State", empty_label="Any state"
    )
    breach_type = django_filters.ChoiceFilter(
        choices=BreachType.choices, label="Type", empty_label="Any type"
    )
    local_authority = django_filters.ModelChoiceFilter(
        queryset=None,
        label="Local authority",
        empty_label="Any local authority",
        method="filter_la",
        to_field_name="la_code",
    )
    occurred_from = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="gte",
        label="Happened on or after",
        help_text="As YYYY-MM-DD",
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_on",
        lookup_expr="lte",
        label="Happened on or before",
        help_text="As YYYY-MM-DD",
    )

    class Meta:
        model = Breach
        fields = ["q", "state", "breach_type", "local_authority", "occurred_from", "occurred_to"]

    def __init__(self, *args, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["local_authority"].queryset = local_authorities

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value.strip()))

    def filter_la(self, queryset, name, value):
        return queryset.filter(parties__local_authority=value).distinct()
