import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, User
from accounts.roles import Role
from tests.factories import MSPContractFactory, person_with_role

pytestmark = pytest.mark.django_db


def _invite(client, **data):
    return client.post(reverse("accounts:person_invite"), data)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("national_admin", 200),
        ("london_admin", 200),
        ("regional_lead", 403),
        ("dcs", 403),
        ("la_workforce_lead", 403),
        ("msp_contact", 403),
        ("observer", 403),
    ],
)
def test_only_admins_manage_people(client, request, person, expected):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("accounts:person_list")).status_code == expected
    assert client.get(reverse("accounts:person_invite")).status_code == expected


def test_a_regional_admin_sees_only_people_of_their_region(
    client, london_admin, dcs, msp_contact, newcastle_dcs, observer
):
    client.force_login(london_admin)
    response = client.get(reverse("accounts:person_list"))
    shown = {p.pk for p in response.context["table"].data}
    assert {dcs.pk, msp_contact.pk, london_admin.pk} <= shown
    assert newcastle_dcs.pk not in shown
    assert observer.pk not in shown
    assert client.get(reverse("accounts:person_detail", args=[newcastle_dcs.pk])).status_code == 404
    assert client.get(reverse("accounts:person_detail", args=[dcs.pk])).status_code == 200


def test_admin_invites_a_person_who_sets_a_password_and_signs_in(
    client, london_admin, camden, django_capture_on_commit_callbacks
):
    client.force_login(london_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            client,
            name="Amira Khan",
            email="Amira.Khan@Camden.example.org",
            role=Role.LA_WORKFORCE_LEAD,
            local_authority=camden.pk,
        )
    person = User.objects.get(email="amira.khan@camden.example.org")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert not person.has_usable_password()
    assert [str(m) for m in person.memberships.all()] == ["LA workforce lead, Camden"]

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["amira.khan@camden.example.org"]
    link = re.search(r"http://\S+/invitation/\S+/", email.body).group(0)
    assert email.alternatives[0][0].count(link) == 1  # the HTML part has the same link

    client.logout()
    path = link.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Set your password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-enough-passphrase", "new_password2": "a-long-enough-passphrase"},
    )
    assert response.status_code == 302
    signed_in = client.post(
        reverse("login"),
        {"username": "amira.khan@camden.example.org", "password": "a-long-enough-passphrase"},
    )
    assert signed_in.status_code == 302


def test_an_invitation_link_works_once(
    client, london_admin, camden, django_capture_on_commit_callbacks
):
    client.force_login(london_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(
            client,
            name="Li Wei",
            email="li.wei@example.org",
            role=Role.DCS,
            local_authority=camden.pk,
        )
    path = re.search(r"http://127.0.0.1:8000(/invitation/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
    )
    again = client.get(path, follow=True)
    assert "This invitation has expired" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "email": "x@example.org", "role": "dcs"}, "name", "Enter their full name"),
        (
            {"name": "X", "email": "not-an-email", "role": "dcs"},
            "email",
            "Enter an email address in the correct format",
        ),
        ({"name": "X", "email": "x@example.org"}, "role", "Select a role"),
        (
            {"name": "X", "email": "x@example.org", "role": "dcs"},
            "local_authority",
            "Select the local authority",
        ),
        (
            {"name": "X", "email": "x@example.org", "role": "regional_lead"},
            "region",
            "Select the region the regional lead works for",
        ),
        (
            {"name": "X", "email": "x@example.org", "role": "admin"},
            "region",
            "Choose a scope within the regions you manage",
        ),
    ],
)
def test_bad_invitations_get_a_clear_message_beside_the_field(
    client, london_admin, data, field, message
):
    client.force_login(london_admin)
    response = _invite(client, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert f'id="id_{field}_error"' in html
    assert not User.objects.filter(email="x@example.org").exists()
    assert mail.outbox == []


def test_inviting_an_existing_email_says_so(client, london_admin, dcs, camden):
    client.force_login(london_admin)
    response = _invite(
        client, name="Again", email=dcs.email.upper(), role="dcs", local_authority=camden.pk
    )
    assert "already has an account" in " ".join(response.context["form"].errors["email"])


def test_a_regional_admin_cannot_invite_into_another_region(client, london_admin, newcastle):
    client.force_login(london_admin)
    response = _invite(
        client, name="X", email="x@example.org", role="dcs", local_authority=newcastle.pk
    )
    assert "Select a valid choice" in " ".join(response.context["form"].errors["local_authority"])
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_regional_admin_is_not_offered_national_roles(client, london_admin, national_admin):
    client.force_login(london_admin)
    choices = dict(
        client.get(reverse("accounts:person_invite")).context["form"].fields["role"].choices
    )
    assert "observer" not in choices
    client.force_login(national_admin)
    choices = dict(
        client.get(reverse("accounts:person_invite")).context["form"].fields["role"].choices
    )
    assert "observer" in choices


def test_admin_gives_and_takes_away_a_role(client, london_admin, regional_lead, camden):
    client.force_login(london_admin)
    response = client.post(
        reverse("accounts:membership_add", args=[regional_lead.pk]),
        {"role": "dcs", "local_authority": camden.pk},
    )
    assert response.status_code == 302
    membership = regional_lead.memberships.get(role=Role.DCS)

    url = reverse("accounts:membership_remove", args=[regional_lead.pk, membership.pk])
    assert "Are you sure" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not regional_lead.memberships.filter(role=Role.DCS).exists()
    detail = client.get(regional_lead.get_absolute_url()).content.decode()
    assert "Role taken away: Director of children&#x27;s services, Camden" in detail
    assert london_admin.name in detail


def test_a_role_outside_the_admins_region_cannot_be_taken_away(
    client, london_admin, regional_lead, newcastle
):
    outside = Membership.objects.create(
        user=regional_lead, role=Role.DCS, local_authority=newcastle
    )
    client.force_login(london_admin)
    url = reverse("accounts:membership_remove", args=[regional_lead.pk, outside.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=outside.pk).exists()


def test_admin_deactivates_an_account_and_the_person_cannot_sign_in(client, london_admin, dcs):
    client.force_login(london_admin)
    assert client.post(reverse("accounts:person_deactivate", args=[dcs.pk])).status_code == 302
    dcs.refresh_from_db()
    assert not dcs.is_active
    client.logout()
    response = client.post(
        reverse("login"), {"username": dcs.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()

    client.force_login(london_admin)
    client.post(reverse("accounts:person_reactivate", args=[dcs.pk]))
    dcs.refresh_from_db()
    assert dcs.is_active


def test_an_admin_cannot_deactivate_themselves(client, london_admin):
    client.force_login(london_admin)
    assert (
        client.post(reverse("accounts:person_deactivate", args=[london_admin.pk])).status_code
        == 403
    )


def test_a_person_with_roles_in_two_regions_can_only_be_deactivated_nationally(
    client, london_admin, national_admin, dcs, newcastle
):
    Membership.objects.create(user=dcs, role=Role.DCS, local_authority=newcastle)
    client.force_login(london_admin)
    assert client.post(reverse("accounts:person_deactivate", args=[dcs.pk])).status_code == 403
    client.force_login(national_admin)
    assert client.post(reverse("accounts:person_deactivate", args=[dcs.pk])).status_code == 302


def test_people_list_uses_a_fixed_number_of_queries(client, national_admin, london, camden):
    client.force_login(national_admin)
    client.get("/")  # the first request after sign-in also stamps the session

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("accounts:person_list")).status_code == 200
        return len(ctx.captured_queries)

    person_with_role(Role.REGIONAL_LEAD, region=london)
    before = count()
    for _ in range(15):
        person = person_with_role(Role.DCS, local_authority=camden)
        Membership.objects.create(user=person, role=Role.MSP_CONTACT, msp=MSPContractFactory().msp)
    assert count() == before


def test_password_reset_reaches_an_invited_person_without_a_password(
    client, reference_data, django_capture_on_commit_callbacks
):
    User.objects.create_user(email="new.person@example.org", name="New Person")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "New.Person@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/password-reset/" in mail.outbox[0].body


def test_password_reset_does_not_say_whether_an_account_exists(client, reference_data):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_in_with_email_in_any_case(client, dcs):
    response = client.post(
        reverse("login"),
        {"username": dcs.email.upper(), "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302


def test_sign_in_with_a_wrong_password_gets_a_clear_message(client, dcs):
    response = client.post(reverse("login"), {"username": dcs.email, "password": "wrong"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html


def test_sign_in_with_nothing_entered_says_what_is_missing(client, reference_data):
    response = client.post(reverse("login"), {})
    errors = response.context["form"].errors
    assert errors["username"] == ["Enter your email address"]
    assert errors["password"] == ["Enter your password"]


def test_short_passwords_are_refused(client, reference_data):
    from accounts.services import password_link

    person = User.objects.create_user(email="short@example.org", name="Short")
    path = password_link(person).split("127.0.0.1:8000", 1)[1]
    page = client.get(path, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Tr0ub4dor&3", "new_password2": "Tr0ub4dor&3"}
    )
    assert "at least 12 characters" in response.content.decode()
