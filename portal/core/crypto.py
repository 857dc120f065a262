"""Secrets the portal must read back (second-factor keys), encrypted with a key derived from SECRET_KEY.

Why encrypt: a one-time-code key cannot be hashed (the server computes codes from it), and a copy of
the database alone (a backup, a dump handed to a developer, an injection) must not be enough to
produce anyone's codes. The key lives in the environment, never in the database.

How: AES-256-GCM, the key derived by HKDF-SHA256 from SECRET_KEY and a purpose, the row's identity as
associated data (a ciphertext copied onto another account does not decrypt). Keys in
SECRET_KEY_FALLBACKS still decrypt, so SECRET_KEY can be rotated; callers re-encrypt what they read.
"""

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """The value was not encrypted by this portal with any of its keys, or was altered."""


@lru_cache(maxsize=32)
def _derived_key(secret_key: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"passerelle:{purpose}".encode())
    return hkdf.derive(secret_key.encode())


def _secret_keys() -> list[str]:
    config = current_app.config
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]


def encrypt(plaintext: str, purpose: str, context: str) -> str:
    """``v1:<base64(nonce + ciphertext)>``, readable back only with the same purpose and context."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derived_key(_secret_keys()[0], purpose)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, purpose: str, context: str) -> str:
    version, _, payload = (token or "").partition(":")
    if version != VERSION:
        raise DecryptionError("unknown format")
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
    except ValueError:
        raise DecryptionError("not base64") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("too short")
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for secret_key in _secret_keys():
        try:
            return AESGCM(_derived_key(secret_key, purpose)).decrypt(nonce, sealed, context.encode()).decode()
        except InvalidTag:
            continue
    raise DecryptionError("no key opens it")
