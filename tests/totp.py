"""Authenticator apps in tests: a device with a known key, and the code an app would show."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# The key an app would hold (hex, 20 bytes), so a test can compute codes like a phone does.
TEST_KEY = "3132333435363738393031323334353637383930"


def authenticator_for(user: User, *, key: str = TEST_KEY) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "phone", "key": key})
    return device


def code_for(device: TOTPDevice) -> str:
    """The next code the server will accept: the current one, or the next time step's when
    the current one was used already (a code works once; the server allows one step ahead).
    Never the previous step's code, though the server still takes it: on a slow machine the
    clock can move on a step between reading it here and the browser sending it, and the
    previous step's code is then two steps old and refused (a CI run failed on that)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    for offset in range(0, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise AssertionError("every code in the window was used: move the clock on")
