import django_filters
from django.db.models import Q

from msp.forms import MSPChooserField
from msp.models import Agency, StandingStatus, Tier


class MSPChooserFilter(django_filters.Filter):
    """An MSP typed by name or Companies House number (msp.forms.MSPChooserField); the FilterSet
    sets `queryset` to the MSPs the person sees."""

    field_class = MSPChooserField

    def __init__(self, *args, queryset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self.extra["queryset"] = self.queryset
            self.extra.setdefault("help_text", "Name or Companies House number")
        return super().field


class AgencyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or Companies House number", method="search")
    region = django_filters.ModelChoiceFilter(
        queryset=None,
        label="Standing in region",
        empty_label="Choose a region",
        to_field_name="code",
        method="noop",
    )
    standing = django_filters.ChoiceFilter(
        choices=StandingStatus.choices,
        label="Standing",
        empty_label="Any standing",
        method="filter_standing",
    )
    msp = MSPChooserFilter(label="MSP", method="filter_msp")
    tier = django_filters.ChoiceFilter(
        choices=[(str(value), label) for value, label in Tier.choices],
        label="Tier",
        empty_label="Any tier",
        method="filter_tier",
    )

    class Meta:
        model = Agency
        fields = ["q", "region", "standing", "msp", "tier"]

    def __init__(self, *args, regions, msps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = regions
        self.filters["msp"].queryset = msps

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(company_number__iexact=value.replace(" ", ""))
        )

    def noop(self, queryset, name, value):
        return queryset  # the view annotates standing for the chosen region

    def filter_standing(self, queryset, name, value):
        if value == StandingStatus.ACTIVE:  # never set counts as active
            return queryset.filter(Q(standing=value) | Q(standing__isnull=True))
        return queryset.filter(standing=value)

    def filter_msp(self, queryset, name, value):
        return queryset.filter(chain_memberships__msp=value).distinct()

    def filter_tier(self, queryset, name, value):
        return queryset.filter(chain_memberships__tier=int(value)).distinct()
