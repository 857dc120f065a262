"""Password hashing with argon2id and the rules a new password must follow."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_LENGTH = 10
MAX_LENGTH = 256

# A hash computed once, so that checking a password for an unknown e-mail costs the same time.
_DUMMY_HASH = _hasher.hash("passerelle-dummy-password")


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the hasher (the test suite lowers its cost); the dummy hash follows, so unknown and
    known e-mails keep costing the same."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("passerelle-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """The French reason a password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe doit compter au plus {MAX_LENGTH} caractères."
    if not password.strip():
        return "Le mot de passe ne peut pas être fait que d'espaces."
    if email and password.lower() == email.lower():
        return "Le mot de passe ne peut pas être votre adresse e-mail."
    return None
