"""Two-factor sign-in: TOTP authenticators (django-otp) and recovery codes (ours, hashed).

Who needs it: supervisors, data admins and system admins always; outreach workers when
ALONGSIDE_WORKER_2FA is on; anyone who has set up an authenticator for themselves.
A TOTP code works once: django-otp remembers the time step of the last code accepted and
only accepts later ones, and backs off after wrong codes. Recovery codes are kept as SHA-256
hashes and used up by the same UPDATE that finds them.
"""

import hashlib
import re
import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import DATA_ADMIN, Membership, RecoveryCode, User

RECOVERY_CODES = 10
# Crockford-like alphabet: no 0/O, 1/I/L or U, so a code read from paper is typed right.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"
RECOVERY_LENGTH = 16  # 16 characters of 30: 78 bits
TOTP_CODE = re.compile(r"^\d{6}$")


def requires_two_factor(user: User) -> bool:
    """Staff flags first: they need no query; roles read the memberships (cached per request)."""
    if user.is_staff or user.is_superuser or user.is_data_admin or settings.ALONGSIDE_WORKER_2FA:
        return True
    return bool(user.roles & {Membership.Role.SUPERVISOR, DATA_ADMIN})


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def needs_second_factor(user: User) -> bool:
    return requires_two_factor(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def unconfirmed_authenticator(user: User) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32 in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice, user: User) -> str:
    """The otpauth:// URL as an SVG QR code, drawn on the server (an <img> with a data: URI)."""
    device.user = user  # the URL names the user: use the one in hand, not a lazy load
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def check_totp(device: TOTPDevice, code: str) -> bool:
    code = code.replace(" ", "")
    if not TOTP_CODE.match(code):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def hash_recovery_code(code: str) -> str:
    normalised = re.sub(r"[^a-z0-9]", "", code.lower())
    return hashlib.sha256(normalised.encode()).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """True when the code is one of the user's unused ones; it is used up at once."""
    used = RecoveryCode.objects.filter(user=user, code_hash=hash_recovery_code(code), used_at=None)
    return used.update(used_at=timezone.now()) == 1


def check_code(user: User, code: str) -> str:
    """Which second factor `code` is ("totp" or "recovery"), or "" when it is neither."""
    device = authenticator_of(user)
    if device is not None and check_totp(device, code):
        return "totp"
    if not TOTP_CODE.match(code.replace(" ", "")) and use_recovery_code(user, code):
        return "recovery"
    return ""


def make_recovery_codes(user: User) -> list[str]:
    """New recovery codes, replacing any earlier ones; only their hashes are kept."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=hash_recovery_code(c)) for c in codes)
    return codes


def confirm_authenticator(device: TOTPDevice, code: str) -> bool:
    """Confirm a new authenticator with its first code; it replaces the user's earlier one."""
    if not check_totp(device, code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    return True


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def reset(user: User) -> None:
    """Remove the user's authenticators and recovery codes (a lost phone): they set up a new
    one at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
