"""Demo logins for `seed_demo` (governance_portal/demo.py lists them): one password for all."""

from accounts.models import Membership, User

DEMO_PASSWORD = "Demo-portal-2026!"  # noqa: S105  # nosec B105


def demo_person(*, email: str, name: str, role: str, stdout, **scope) -> User:
    """A demo login holding one role (idempotent); the apps above add theirs with it."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=name, password=DEMO_PASSWORD)
    full_scope = {"region": None, "local_authority": None, "msp": None, **scope}
    membership, _ = Membership.objects.get_or_create(user=user, role=role, **full_scope)
    stdout.write(f"  {email:30} {membership}")
    return user
