import django_filters
from django.utils import timezone

from cap_exceptions.models import (
    EXPIRY_NOTICE_WORKING_DAYS,
    REPORTED_RECENTLY_DAYS,
    CapException,
    ExceptionStatus,
    expiring_soon,
    reported_recently,
)
from mou.models import JobType


class CapExceptionFilter(django_filters.FilterSet):
    local_authority = django_filters.ModelChoiceFilter(
        queryset=None,
        label="Local authority",
        empty_label="Any local authority",
        to_field_name="la_code",
    )
    job_type = django_filters.ChoiceFilter(
        choices=JobType.choices, label="Job type", empty_label="Any job type"
    )
    status = django_filters.ChoiceFilter(
        choices=ExceptionStatus.choices, label="State", empty_label="Any state"
    )
    expiring = django_filters.ChoiceFilter(
        choices=[("soon", f"Approved, expiring within {EXPIRY_NOTICE_WORKING_DAYS} working days")],
        label="Expiry",
        empty_label="Any expiry date",
        method="filter_expiring",
    )
    reported = django_filters.ChoiceFilter(
        choices=[("recent", f"In the last {REPORTED_RECENTLY_DAYS} days")],
        label="Reported to the region",
        empty_label="Any time, or not yet",
        method="filter_reported",
    )

    class Meta:
        model = CapException
        fields = ["local_authority", "job_type", "status", "expiring", "reported"]

    def __init__(self, *args, local_authorities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["local_authority"].queryset = local_authorities

    def filter_expiring(self, queryset, name, value):
        return queryset.filter(expiring_soon(timezone.localdate()))

    def filter_reported(self, queryset, name, value):
        return queryset.filter(reported_recently(timezone.localdate()))
