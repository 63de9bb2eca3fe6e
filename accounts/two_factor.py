"""Two-factor sign-in: an authenticator app (TOTP) plus one-time recovery codes (django-otp).

Every change is recorded as an AccountEvent with the time and address.
"""

from __future__ import annotations

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import account_event_record
from accounts.models import AccountEventKind, User
from accounts.permissions import can_change_account
from accounts.scope import access_for

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def two_factor_required(user: User) -> bool:
    return settings.REQUIRE_2FA and access_for(user).two_factor_required


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_start(user: User) -> TOTPDevice:
    """The unconfirmed device a person is setting up (the same one until they confirm it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key in the base32 form authenticator apps accept when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, inline (no third-party request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _second_factor_login(request: HttpRequest, device) -> None:
    """Mark the session as having passed two-factor sign-in, under a new session key: the key
    the password alone was given no longer works (django-otp keeps it; ASVS 3.2.1)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def _clean(token: str) -> str:
    return "".join(token.split()).lower()


@transaction.atomic
def totp_device_confirm(
    *, request: HttpRequest, device: TOTPDevice, token: str
) -> list[str] | None:
    """Confirm a new authenticator app with a code from it. Returns new recovery codes, or None
    when the code is wrong."""
    if not device.verify_token(_clean(token)):
        account_event_record(
            kind=AccountEventKind.TWO_FACTOR_FAILED, request=request, user=device.user
        )
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _second_factor_login(request, device)
    account_event_record(
        kind=AccountEventKind.TWO_FACTOR_ENROLLED, request=request, user=device.user
    )
    return _recovery_codes_make(device.user)


def _recovery_codes_make(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_replace(*, request: HttpRequest, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_confirmed_device(user):
        raise PermissionDenied
    codes = _recovery_codes_make(user)
    account_event_record(kind=AccountEventKind.RECOVERY_CODES_REPLACED, request=request, user=user)
    return codes


def two_factor_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Check a code from the app, or a recovery code (used up once accepted)."""
    device = django_otp.match_token(user, _clean(token))
    if device is None:
        account_event_record(kind=AccountEventKind.TWO_FACTOR_FAILED, request=request, user=user)
        return False
    _second_factor_login(request, device)
    kind = (
        AccountEventKind.RECOVERY_CODE_USED
        if isinstance(device, StaticDevice)
        else AccountEventKind.TWO_FACTOR_VERIFIED
    )
    account_event_record(kind=kind, request=request, user=user)
    return True


@transaction.atomic
def two_factor_reset(*, request: HttpRequest, person: User, actor: User) -> None:
    """An admin clears a person's devices (a lost phone); they set up again at next sign-in."""
    if not can_change_account(actor, person):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    account_event_record(
        kind=AccountEventKind.TWO_FACTOR_RESET, request=request, user=person, actor=actor
    )
