import django_filters
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or email", method="search")
    role = django_filters.ChoiceFilter(
        choices=Role.choices, field_name="memberships__role", empty_label="Any role", distinct=True
    )
    is_active = django_filters.ChoiceFilter(
        label="Account",
        choices=[("true", "Active"), ("false", "Deactivated")],
        empty_label="Active or deactivated",
        method="filter_active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value))

    def filter_active(self, queryset, name: str, value: str):
        return queryset.filter(is_active=value == "true")
