from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.roles import ROLE_SCOPE_KINDS, Role, ScopeKind
from kernel.history import HistoryStamps

if TYPE_CHECKING:
    from accounts.scope import Access, Scope


def sign_in_key(value: str | None) -> str:
    """An email address as sign-in compares it: NFKC, casefolded, without surrounding space.

    The database's case-insensitive match is wider (PostgreSQL's UPPER() makes a dotless i, U+0131, an I),
    so an address must also give the same key as the stored one to sign in."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().casefold()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def visible_to(self, actor: User) -> models.QuerySet[User]:
        """People's records are for admins only: those holding a role in the admin's regions
        (everyone, for a national admin); nobody for anyone else."""
        from accounts.roles import Capability
        from accounts.scope import access_for

        scope = access_for(actor).capability_scope(Capability.MANAGE_PEOPLE)
        if scope.national:
            return self.all()
        if not scope.region_ids:
            return self.none()
        in_scope = Membership.objects.within(scope).filter(user=OuterRef("pk"))
        return self.filter(Exists(in_scope))

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def sign_in_candidates(self, username: str | None) -> models.QuerySet[User]:
        """Accounts the database matches case-insensitively: wider than sign-in accepts."""
        value = str(username or "").strip()
        if not value or "\x00" in value:  # PostgreSQL refuses NUL in a query
            return self.none()
        return self.filter(email__iexact=value).order_by("pk")

    def get_by_natural_key(self, username: str | None) -> User:
        """The account sign-in uses: only one whose address has the same sign-in key, so a
        look-alike (a dotless i, U+0131, for an i) is not taken for it."""
        key = sign_in_key(username)
        for user in self.sign_in_candidates(username):
            if sign_in_key(user.email) == key:
                return user
        raise self.model.DoesNotExist("No person has this email address")

    def create_user(self, email: str, name: str = "", password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("A person needs an email address")
        user = self.model(email=self.normalize_email(email), name=name, **extra)
        user.set_password(password)  # None gives an unusable password: invited people set their own
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, name: str = "", password: str | None = None) -> User:
        """A national admin (used by `manage.py createsuperuser`)."""
        user = self.create_user(email, name or email, password)
        Membership.objects.create(user=user, role=Role.ADMIN)
        return user


class User(HistoryStamps, AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. What they may do comes from memberships."""

    email = models.EmailField("Email address", max_length=254, unique=True)
    name = models.CharField("Full name", max_length=150)
    is_active = models.BooleanField(
        "Active", default=True, help_text="Deactivated people cannot sign in"
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    # The password hash never goes into history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    # accounts.middleware.TwoFactorStateMiddleware sets this on the signed-in user: signed in with a code?
    is_verified: Callable[[], bool]
    _portal_access: Access  # accounts.scope.access_for caches it for the request

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:person_detail", kwargs={"pk": self.pk})

    @property
    def is_staff(self) -> bool:
        """Django's admin asks this; only admins may use it (see accounts.admin_site)."""
        from accounts.scope import access_for

        return self.is_active and access_for(self).is_admin


# Which scope field each kind of scope uses; every other scope field must be empty.
SCOPE_FIELDS: dict[ScopeKind, str | None] = {
    ScopeKind.NATIONAL: None,
    ScopeKind.REGION: "region",
    ScopeKind.LOCAL_AUTHORITY: "local_authority",
    ScopeKind.MSP: "msp",
}


def _scope_condition(kind: ScopeKind) -> Q:
    wanted = SCOPE_FIELDS[kind]
    condition = Q()
    for field in ("region", "local_authority", "msp"):
        condition &= Q(**{f"{field}__isnull": field != wanted})
    return condition


def _role_scope_condition() -> Q:
    condition = Q()
    for role, kinds in ROLE_SCOPE_KINDS.items():
        allowed = Q()
        for kind in sorted(kinds):  # sorted: a stable migration whatever the hash seed
            allowed |= _scope_condition(kind)
        condition |= Q(role=role) & allowed
    return condition


class MembershipQuerySet(models.QuerySet["Membership"]):
    def within(self, scope: Scope) -> MembershipQuerySet:
        """Memberships held in the scope's regions: of a region, of one of its LAs, or of an MSP
        with a contract there today (every membership for a national scope)."""
        from accounts.scope import suppliers

        if scope.national:
            return self.all()
        region_ids = sorted(scope.region_ids)
        return self.filter(
            Q(region_id__in=region_ids)
            | Q(local_authority__region_id__in=region_ids)
            | Q(msp__in=suppliers.operating_in(region_ids))
        )


class Membership(HistoryStamps, models.Model):
    """A role a person holds in a scope: admin of London, DCS of Camden, MSP contact of an MSP."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role)
    region = models.ForeignKey(
        "mou.Region", models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    msp = models.ForeignKey(
        "msp.MSP",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="MSP",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            # The database enforces what Membership.clean explains to people.
            models.CheckConstraint(
                condition=_role_scope_condition(), name="membership_scope_fits_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(region__isnull=True, local_authority__isnull=True, msp__isnull=True),
                name="membership_unique_national",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="membership_unique_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "local_authority"],
                condition=Q(local_authority__isnull=False),
                name="membership_unique_local_authority",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "msp"],
                condition=Q(msp__isnull=False),
                name="membership_unique_msp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.scope_label}"

    @property
    def scope_kind(self) -> ScopeKind:
        if self.local_authority_id:
            return ScopeKind.LOCAL_AUTHORITY
        if self.msp_id:
            return ScopeKind.MSP
        if self.region_id:
            return ScopeKind.REGION
        return ScopeKind.NATIONAL

    @property
    def scope_label(self) -> str:
        return str(self.local_authority or self.msp or self.region or "National")

    def clean(self) -> None:
        """Explain, field by field, a scope that does not fit the role."""
        super().clean()
        kinds = ROLE_SCOPE_KINDS.get(self.role)
        if not kinds:
            return
        given = {
            field
            for field in ("region", "local_authority", "msp")
            if getattr(self, f"{field}_id") is not None
        }
        if len(given) > 1:
            raise ValidationError("Choose only one of a region, a local authority or an MSP")
        kind = self.scope_kind
        if kind in kinds:
            return
        role = self.get_role_display()
        if ScopeKind.REGION in kinds and ScopeKind.NATIONAL not in kinds:
            raise ValidationError(
                {"region": f"Select the region the {role_phrase(role)} works for"}
            )
        if ScopeKind.LOCAL_AUTHORITY in kinds:
            raise ValidationError(
                {"local_authority": f"Select the local authority the {role_phrase(role)} works for"}
            )
        if ScopeKind.MSP in kinds:
            raise ValidationError({"msp": "Select the MSP the contact works for"})
        if kinds == {ScopeKind.NATIONAL}:
            raise ValidationError(f"An {role_phrase(role)} is national: leave the scope empty")
        raise ValidationError("An admin is national or of one region: leave out the other scopes")


def role_phrase(label: str) -> str:
    """'Director of children's services' reads better in a sentence in lower case; LA stays LA."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


class AccountEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out after repeated failures"
    UNLOCKED = "unlocked", "Sign-in unlocked by an admin"
    SESSION_EXPIRED = "session_expired", "Signed out: session expired"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Two-factor sign-in set up"
    TWO_FACTOR_VERIFIED = "two_factor_verified", "Two-factor code accepted"
    TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code refused"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced", "New recovery codes made"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset by an admin"


class AccountEvent(models.Model):
    """Append-only record of sign-in and two-factor events, with time and address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_events",
    )
    # What was typed at sign-in, so failures against unknown accounts are recorded too.
    email = models.CharField(max_length=254, blank=True)
    kind = models.CharField(max_length=32, choices=AccountEventKind)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it, when not the person themselves (e.g. an admin unlocking)",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.email or self.user_id}) at {self.created_at:%Y-%m-%d %H:%M}"
