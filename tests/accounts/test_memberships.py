import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Membership
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "scope_name", "field", "message"),
    [
        (Role.REGIONAL_LEAD, None, "region", "Select the region the regional lead works for"),
        (Role.DCS, "london", "local_authority", "Select the local authority the director"),
        (Role.LA_WORKFORCE_LEAD, None, "local_authority", "Select the local authority the LA"),
        (Role.MSP_CONTACT, "camden", "msp", "Select the MSP the contact works for"),
        (Role.OBSERVER, "london", "__all__", "An observer is national"),
        (Role.ADMIN, "camden", "__all__", "An admin is national or of one region"),
    ],
)
def test_a_scope_that_does_not_fit_the_role_is_rejected_with_a_clear_error(
    request, role, scope_name, field, message
):
    scope = {}
    if scope_name:
        obj = request.getfixturevalue(scope_name)
        scope = {"region": obj} if scope_name == "london" else {"local_authority": obj}
    membership = Membership(role=role, **scope)

    with pytest.raises(ValidationError) as error:
        services.membership_add(person=UserFactory(), membership=membership, actor=None)

    assert message in " ".join(error.value.message_dict.get(field, []))
    assert not Membership.objects.exists()


def test_the_database_refuses_a_scope_that_does_not_fit_the_role(camden):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), role=Role.REGIONAL_LEAD, local_authority=camden
        )


def test_the_same_role_twice_in_the_same_scope_is_refused(london):
    person = UserFactory()
    services.membership_add(
        person=person, membership=Membership(role=Role.REGIONAL_LEAD, region=london), actor=None
    )
    with pytest.raises(ValidationError, match="already regional lead for London"):
        services.membership_add(
            person=person, membership=Membership(role=Role.REGIONAL_LEAD, region=london), actor=None
        )
    assert person.memberships.count() == 1


def test_a_person_can_hold_several_roles(london, camden):
    person = UserFactory()
    services.membership_add(
        person=person, membership=Membership(role=Role.REGIONAL_LEAD, region=london), actor=None
    )
    services.membership_add(
        person=person, membership=Membership(role=Role.DCS, local_authority=camden), actor=None
    )
    assert sorted(person.memberships.values_list("role", flat=True)) == ["dcs", "regional_lead"]


def test_a_regional_admin_cannot_give_a_role_in_another_region(london_admin, newcastle):
    with pytest.raises(PermissionDenied):
        services.membership_add(
            person=UserFactory(),
            membership=Membership(role=Role.DCS, local_authority=newcastle),
            actor=london_admin,
        )


def test_a_regional_admin_cannot_make_a_national_admin(london_admin):
    with pytest.raises(PermissionDenied):
        services.membership_add(
            person=UserFactory(), membership=Membership(role=Role.ADMIN), actor=london_admin
        )


def test_membership_changes_are_kept_in_history(london, london_admin):
    person = UserFactory()
    membership = services.membership_add(
        person=person,
        membership=Membership(role=Role.REGIONAL_LEAD, region=london),
        actor=london_admin,
    )
    services.membership_remove(membership=membership, actor=london_admin)
    kinds = list(
        Membership.history.filter(user_id=person.pk).values_list("history_type", flat=True)
    )
    assert sorted(kinds) == ["+", "-"]


def test_createsuperuser_makes_a_national_admin(reference_data, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User
    from accounts.scope import access_for

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase")
    call_command(
        "createsuperuser",
        "--noinput",
        "--email",
        "Ops@Example.org",
        "--name",
        "Ops",
        stdout=StringIO(),
    )
    admin = User.objects.get(email="ops@example.org")
    assert access_for(admin).scope.national
    assert admin.is_staff
