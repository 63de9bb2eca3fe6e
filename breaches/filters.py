import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from breaches.models import Breach, BreachParty, BreachState, BreachType, party_reached_by_msp
from breaches.selectors import awaiting_reply_from
from kernel.forms import ChooserInput, GovukDateField
from msp.filters import MSPChooserFilter
from msp.models import LABELLED_NUMBER, normalise_company_number


class GovukDateFilter(django_filters.DateFilter):
    """A date filter typed as day, month and year (the GOV.UK date input)."""

    field_class = GovukDateField


class BreachFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference", method="search")
    # Open breaches unless asked otherwise: the list is the region's queue.
    state = django_filters.ChoiceFilter(
        choices=[("all", "Any state, closed ones too"), *BreachState.choices],
        label="State",
        empty_label="Open (reported, awaiting a reply, under review)",
        method="filter_state",
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
    awaiting = django_filters.ChoiceFilter(
        choices=[("you", "Waiting for your reply")],
        label="Replies",
        empty_label="Any",
        method="filter_awaiting",
    )
    occurred_from = GovukDateFilter(
        field_name="occurred_on",
        lookup_expr="gte",
        label="Happened on or after",
        help_text="For example, 1 4 2026",
    )
    occurred_to = GovukDateFilter(
        field_name="occurred_on",
        lookup_expr="lte",
        label="Happened on or before",
        help_text="For example, 30 6 2026",
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
            "awaiting",
            "occurred_from",
            "occurred_to",
        ]

    def __init__(self, *args, local_authorities, msps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["local_authority"].queryset = local_authorities
        self.filters["msp"].queryset = msps

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(awaiting_reply_from(self.request.user))

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(state=value)

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
        """Breaches the MSP answers for, as its contacts see them: against the MSP, or against
        an agency in its chain while it held a contract in the region (party_reached_by_msp)."""
        reached = BreachParty.objects.filter(breach_id=OuterRef("pk")).filter(
            party_reached_by_msp(value.pk)
        )
        return queryset.filter(Exists(reached))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(on=timezone.localdate())
