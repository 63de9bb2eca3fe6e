"""Property tests: whatever a person types into the portal's search and sign-in boxes, the
answer is a page, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

TYPED = st.text(max_size=80).filter(lambda s: "\x00" not in s)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(query=TYPED, region=TYPED, page=TYPED, sort=TYPED)
def test_local_authority_search_never_fails(client, observer, query, region, page, sort):
    client.force_login(observer)
    response = client.get(
        reverse("mou:local_authority_list"),
        {"q": query, "region": region, "page": page, "sort": sort},
    )
    assert response.status_code in (200, 404)  # 404 only for a page number past the end


@FUZZ
@given(query=TYPED, role=TYPED, active=TYPED)
def test_people_search_never_fails(client, national_admin, query, role, active):
    client.force_login(national_admin)
    response = client.get(
        reverse("accounts:person_list"), {"q": query, "role": role, "is_active": active}
    )
    assert response.status_code == 200


@FUZZ
@given(email=TYPED, password=TYPED)
def test_sign_in_never_fails(client, reference_data, email, password):
    response = client.post(reverse("login"), {"username": email, "password": password})
    assert response.status_code in (200, 429)


@FUZZ
@given(name=TYPED, email=TYPED, role=TYPED, scope=TYPED)
def test_invite_form_never_fails(client, london_admin, name, email, role, scope):
    client.force_login(london_admin)
    response = client.post(
        reverse("accounts:person_invite"),
        {
            "name": name,
            "email": email,
            "role": role,
            "region": scope,
            "local_authority": scope,
            "msp": scope,
        },
    )
    assert response.status_code in (200, 302)


@settings(max_examples=200, deadline=None)
@given(day=TYPED, month=TYPED, year=TYPED)
def test_the_date_input_gives_a_date_or_a_clear_message(day, month, year):
    import datetime

    from django.core.exceptions import ValidationError

    from kernel.forms import GovukDateField

    field = GovukDateField(label="Date signed", required=False)
    try:
        value = field.clean([day, month, year])
    except ValidationError as error:
        messages = error.messages
        value = None
    else:
        messages = []
    assert all(m.startswith("Date signed must") for m in messages)
    assert value is None or isinstance(value, datetime.date)


@FUZZ
@given(query=TYPED, state=TYPED, level=TYPED, overdue=TYPED, start=TYPED, agency=TYPED)
def test_breach_search_never_fails(
    client, regional_lead, query, state, level, overdue, start, agency
):
    client.force_login(regional_lead)
    response = client.get(
        reverse("breaches:list"),
        {
            "q": query,
            "state": state,
            "level": level,
            "overdue": overdue,
            "occurred_from": start,
            "agency": agency,
        },
    )
    assert response.status_code in (200, 404)
