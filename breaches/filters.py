import django_filters
from django.db.models import Q
from django.utils import timezone

from breaches.models import Breach, BreachParty, BreachState, BreachType
from kernel.forms import ChooserInput
from msp.filters import MSPChooserFilter
from msp.models import LABELLED_NUMBER, normalise_company_number


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
    level = django_filters.ChoiceFilter(
        choices=[(str(n), f"Level {n}") for n in range(1, 7)],
        label="Escalation level",
        empty_label="Any level",
        method="filter_level",
    )
    # A text search, not a list: a region works with hundreds of agencies. With JavaScript it
    # suggests agencies as a chooser does (docs/adr/0013-choosers.md); part of a name still
    # finds every agency it matches.
    agency = django_filters.CharFilter(
        label="Agency",
        help_text="Name or Companies House number",
        method="filter_agency",
        widget=ChooserInput(source="msp:agency_choices"),
    )
    msp = MSPChooserFilter(label="MSP", method="filter_msp")
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue only")],
        label="Overdue",
        empty_label="Overdue or not",
        method="filter_overdue",
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
        fields = [
            "q",
            "state",
            "level",
            "breach_type",
            "local_authority",
            "agency",
            "msp",
            "overdue",
            "occurred_from",
            "occurred_to",
        ]

    def __init__(self, *args, local_authorities, msps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["local_authority"].queryset = local_authorities
        self.filters["msp"].queryset = msps

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value.strip()))

    def filter_la(self, queryset, name, value):
        return queryset.filter(parties__local_authority=value).distinct()

    def filter_level(self, queryset, name, value):
        return queryset.filter(level__order=int(value))

    def filter_agency(self, queryset, name, value):
        value = value.strip()
        labelled = LABELLED_NUMBER.match(value)  # a suggestion picked: "Name (01234567)"
        if labelled:
            number = normalise_company_number(labelled["number"])
            named = BreachParty.objects.filter(agency__company_number=number)
        else:
            named = BreachParty.objects.filter(
                Q(agency__name__icontains=value)
                | Q(agency__company_number__iexact=value.replace(" ", ""))
            )
        return queryset.filter(pk__in=named.values("breach_id"))

    def filter_msp(self, queryset, name, value):
        return queryset.filter(parties__msp=value).distinct()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(on=timezone.localdate())
