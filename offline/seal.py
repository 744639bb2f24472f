"""Contacts sealed to the server: the phone can send them but never read them back.

A phone queues each contact twice: once under its own data key (so the worker can see and
delete it, while unlocked) and once sealed to this server's public key, which survives
every wipe of the phone (a forgotten PIN, a day without signal). Sealing is ECIES built
from WebCrypto's parts, so no JavaScript library is needed:

- the phone makes a one-off P-256 key pair, derives an ECDH secret with the server's
  public key, and HKDF-SHA256 (info `alongside-offline-seal-v1`, no salt) turns it into a
  256-bit AES-GCM key;
- it encrypts the contact's JSON with a random 96-bit nonce, and forgets the one-off
  private key. It sends `{"v": 1, "epk": <raw public point>, "iv": ..., "ct": ...}`,
  base64url without padding.

The server's P-256 private key is derived from SECRET_KEY (an HMAC with its own salt), so
no second secret needs keeping; SECRET_KEY_FALLBACKS still open contacts sealed before a
key rotation. Nothing here logs what it opens.
"""

import base64
import json
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.errors import Invalid

SALT = "alongside.offline.seal"
INFO = b"alongside-offline-seal-v1"
VERSION = 1
# The order of P-256's group (FIPS 186-4, D.1.2.3).
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def private_key(secret: str) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(salted_hmac(SALT, "p-256", secret=secret, algorithm="sha512").digest(), "big")
    return ec.derive_private_key(scalar % (P256_ORDER - 1) + 1, ec.SECP256R1())


def public_jwk() -> dict[str, str]:
    """The server's public key as a JWK, for WebCrypto's importKey."""
    numbers = private_key(settings.SECRET_KEY).public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64(numbers.x.to_bytes(32, "big")),
        "y": b64(numbers.y.to_bytes(32, "big")),
    }


def seal(value: Any) -> dict[str, Any]:
    """Seal a JSON value as a phone does (for tests, the benchmark and the demo)."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    key = _aes_key(ephemeral, private_key(settings.SECRET_KEY).public_key())
    iv = os.urandom(12)
    ct = AESGCM(key).encrypt(iv, json.dumps(value).encode(), None)
    point = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"v": VERSION, "epk": b64(point), "iv": b64(iv), "ct": b64(ct)}


def open_sealed(sealed: Any) -> Any:
    """The JSON value inside a sealed item, or Invalid when it is not one of ours."""
    refused = Invalid(_("This queued contact could not be read by the server. It was not saved."))
    if not isinstance(sealed, dict) or sealed.get("v") != VERSION:
        raise refused
    try:
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(str(sealed["epk"])))
        iv, ct = unb64(str(sealed["iv"])), unb64(str(sealed["ct"]))
    except (KeyError, ValueError, TypeError):
        raise refused from None
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        try:
            plain = AESGCM(_aes_key(private_key(secret), peer)).decrypt(iv, ct, None)
        except (InvalidTag, ValueError):
            continue
        try:
            return json.loads(plain)
        except ValueError:
            raise refused from None
    raise refused


def _aes_key(own: ec.EllipticCurvePrivateKey, peer: ec.EllipticCurvePublicKey) -> bytes:
    shared = own.exchange(ec.ECDH(), peer)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(shared)
