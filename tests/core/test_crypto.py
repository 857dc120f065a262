"""Secrets encrypted with a key derived from SECRET_KEY: bound to their row, readable after a key rotation."""

import pytest
from flask import Flask

from portal.core import crypto


def app_with(secret_key: str, fallbacks: list[str] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=fallbacks)
    return app


def test_round_trip_and_nothing_readable_in_the_stored_text():
    with app_with("clé-actuelle").app_context():
        sealed = crypto.encrypt("JBSWY3DPEHPK3PXP", "totp-secret", "user:1")
        assert sealed.startswith("v1:") and "JBSWY3DPEHPK3PXP" not in sealed
        assert sealed != crypto.encrypt("JBSWY3DPEHPK3PXP", "totp-secret", "user:1"), "a fresh nonce each time"
        assert crypto.decrypt(sealed, "totp-secret", "user:1") == "JBSWY3DPEHPK3PXP"


@pytest.mark.parametrize("purpose,context", [("totp-secret", "user:2"), ("autre-usage", "user:1")])
def test_a_value_moved_to_another_row_or_use_does_not_decrypt(purpose, context):
    with app_with("clé-actuelle").app_context():
        sealed = crypto.encrypt("JBSWY3DPEHPK3PXP", "totp-secret", "user:1")
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(sealed, purpose, context)


@pytest.mark.parametrize("tampered", ["", "v2:abc", "v1:%%%", "v1:" + "A" * 40])
def test_altered_values_are_refused(tampered):
    with app_with("clé-actuelle").app_context(), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, "totp-secret", "user:1")


def test_a_rotated_key_still_decrypts_while_it_is_listed_as_a_fallback():
    with app_with("ancienne-clé").app_context():
        sealed = crypto.encrypt("JBSWY3DPEHPK3PXP", "totp-secret", "user:1")
    with app_with("nouvelle-clé", ["ancienne-clé"]).app_context():
        assert crypto.decrypt(sealed, "totp-secret", "user:1") == "JBSWY3DPEHPK3PXP"
    with app_with("nouvelle-clé").app_context(), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, "totp-secret", "user:1")
