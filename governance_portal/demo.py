"""Demo people for `seed_demo`: one for every role, in the London region (the MSP contact is
msp.demo's)."""

from django.db import transaction

from accounts.demo import DEMO_PASSWORD, demo_person
from accounts.roles import Role
from mou.models import LocalAuthority, Region

# (email, name, role, scope kind, scope key); the MSP contact is msp.demo's, the app above.
DEMO_PEOPLE = [
    ("admin@example.org", "Samira Haddad", Role.ADMIN, None, None),
    ("london.admin@example.org", "Tom Gallagher", Role.ADMIN, "region", "LDN"),
    ("regional.lead@example.org", "Priya Shah", Role.REGIONAL_LEAD, "region", "LDN"),
    ("dcs.camden@example.org", "Daniel Okafor", Role.DCS, "local_authority", "202"),
    (
        "workforce.camden@example.org",
        "Helen Murphy",
        Role.LA_WORKFORCE_LEAD,
        "local_authority",
        "202",
    ),
    ("observer@example.org", "Grace Lin", Role.OBSERVER, None, None),
    ("member.islington@example.org", "Ruth Adeyemi", Role.GROUP_MEMBER, "local_authority", "206"),
]


def _scope(kind: str | None, key: str | None) -> dict:
    scope: dict = {"region": None, "local_authority": None, "msp": None}
    if kind == "region":
        scope["region"] = Region.objects.get(code=key)
    elif kind == "local_authority":
        scope["local_authority"] = LocalAuthority.objects.get(la_code=key)
    return scope


@transaction.atomic
def seed(*, stdout) -> None:
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for email, name, role, kind, key in DEMO_PEOPLE:
        demo_person(email=email, name=name, role=role, stdout=stdout, **_scope(kind, key))
