"""Writes about people and their memberships. Each checks the actor's scope itself, so a view and
a management command behave the same way; `actor=None` means the system (seed_demo, commands).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, User
from accounts.permissions import can_change_account, membership_within_scope
from accounts.scope import forget_access


def _check_membership_allowed(actor: User | None, membership: Membership) -> None:
    if actor is not None and not membership_within_scope(actor, membership):
        raise PermissionDenied("You can only give roles within the regions you manage")


def _validated(membership: Membership) -> Membership:
    membership.full_clean(exclude={"user"}, validate_unique=False, validate_constraints=False)
    return membership


@transaction.atomic
def membership_add(*, person: User, membership: Membership, actor: User | None) -> Membership:
    """Give `person` a role in a scope. Raises ValidationError for a scope that does not fit the
    role or a role the person already holds there."""
    membership.user = person
    _validated(membership)
    _check_membership_allowed(actor, membership)
    membership._history_user = actor  # field history names the actor, from a view or a command
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise ValidationError(
            f"{person} is already {membership.get_role_display().lower()} for "
            f"{membership.scope_label}"
        ) from error
    forget_access(person)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    _check_membership_allowed(actor, membership)
    person = membership.user
    membership._history_user = actor
    membership.delete()
    forget_access(person)


@transaction.atomic
def person_invite(*, email: str, name: str, membership: Membership, actor: User | None) -> User:
    """Create an account with no password and one membership, and email a link to set one."""
    email = User.objects.normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A person with this email address already has an account"})
    _validated(membership)
    _check_membership_allowed(actor, membership)
    person = User.objects.create_user(email=email, name=name)
    membership_add(person=person, membership=membership, actor=actor)
    send_invitation(person_id=person.pk, inviter=str(actor or ""))
    return person


@transaction.atomic
def person_set_active(*, person: User, active: bool, actor: User | None) -> User:
    """Deactivate (or reactivate) an account. A deactivated person cannot sign in."""
    if actor is not None and not can_change_account(actor, person):
        raise PermissionDenied
    person.is_active = active
    person._history_user = actor
    person.save(update_fields=["is_active"])
    return person


def password_link(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    path = reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def send_invitation(*, person_id: int, inviter: str) -> None:
    """Email the invitation. Written to the outbox with the invite, sent once it commits."""
    person = User.objects.get(pk=person_id)
    context = {
        "person": person,
        "inviter": inviter,
        "link": password_link(person),
        "portal_name": settings.PORTAL_NAME,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    message = EmailMultiAlternatives(
        subject=f"You have been invited to the {settings.PORTAL_NAME}",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    message.send()
