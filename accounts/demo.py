"""Demo people for `seed_demo`: one for every role, in the London region."""

from django.db import transaction

from accounts.models import Membership, User
from accounts.roles import Role
from mou.models import LocalAuthority, Region
from msp.demo import DEMO_MSP
from msp.models import MSP

DEMO_PASSWORD = "Demo-portal-2026!"  # noqa: S105  # nosec B105

# (email, name, role, scope kind, scope key)
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
    ("msp.contact@example.org", "Mark Bennett", Role.MSP_CONTACT, "msp", DEMO_MSP),
    ("observer@example.org", "Grace Lin", Role.OBSERVER, None, None),
]


def _scope(kind: str | None, key: str | None) -> dict:
    scope: dict = {"region": None, "local_authority": None, "msp": None}
    if kind == "region":
        scope["region"] = Region.objects.get(code=key)
    elif kind == "local_authority":
        scope["local_authority"] = LocalAuthority.objects.get(la_code=key)
    elif kind == "msp":
        scope["msp"] = MSP.objects.get(name=key)
    return scope


@transaction.atomic
def seed(*, stdout) -> None:
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for email, name, role, kind, key in DEMO_PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, name=name, password=DEMO_PASSWORD)
        membership, _ = Membership.objects.get_or_create(user=user, role=role, **_scope(kind, key))
        stdout.write(f"  {email:30} {membership}")


def seed_escalation_contact(*, stdout) -> None:
    """London's single point of contact for MSP and agency escalations: the demo regional lead."""
    from msp.models import EscalationContact

    lead = User.objects.get(email="regional.lead@example.org")
    EscalationContact.objects.get_or_create(
        region=Region.objects.get(code="LDN"), defaults={"person": lead}
    )
