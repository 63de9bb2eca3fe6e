"""Demo people for `seed_demo`: one for every role, in the London region."""

from django.db import transaction

from accounts.models import Membership, User
from accounts.roles import Role
from mou.models import LocalAuthority, Region

DEMO_PASSWORD = "Demo-portal-2026!"  # noqa: S105  # nosec B105

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
]


def _scope(kind: str | None, key: str | None) -> dict:
    scope: dict = {"region": None, "local_authority": None, "msp": None}
    if kind == "region":
        scope["region"] = Region.objects.get(code=key)
    elif kind == "local_authority":
        scope["local_authority"] = LocalAuthority.objects.get(la_code=key)
    return scope


def demo_person(*, email: str, name: str, role: str, stdout, **scope) -> User:
    """A demo login holding one role (idempotent); the apps above add theirs with it."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=name, password=DEMO_PASSWORD)
    full_scope = {"region": None, "local_authority": None, "msp": None, **scope}
    membership, _ = Membership.objects.get_or_create(user=user, role=role, **full_scope)
    stdout.write(f"  {email:30} {membership}")
    return user


@transaction.atomic
def seed(*, stdout) -> None:
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for email, name, role, kind, key in DEMO_PEOPLE:
        demo_person(email=email, name=name, role=role, stdout=stdout, **_scope(kind, key))
