"""One-time codes for test accounts: the secret every factory-made second factor uses, and fresh codes.

The portal refuses a code whose 30-second step was already used (replay protection), so a helper that
logs the same account in twice must not type the same code twice: ``fresh_code`` remembers the last
step it handed out per account and moves to the next one, waiting when the accepted window is used up.
"""

import threading
import time

import pyotp

from portal.accounts import clock as portal_clock

# Base32, as authenticator apps take it. Every account the factories give a second factor uses it.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STEP_SECONDS = 30

_last_step: dict[str, int] = {}
_lock = threading.Lock()


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def portal_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows at the portal's time (which the ``clock`` fixture moves)."""
    return code_at(secret, int(portal_clock.now()) // STEP_SECONDS)


def fresh_code(account: str, secret: str = TOTP_SECRET) -> str:
    """A code for ``account`` in a step this helper has not handed out yet: now's step, else the next one
    (the portal accepts one step either side of now, and a next step stays valid as the clock moves on);
    when both are used, wait for the clock."""
    with _lock:
        while True:
            now_step = int(time.time()) // STEP_SECONDS
            step = max(now_step, _last_step.get(account, now_step - 1) + 1)
            if step <= now_step + 1:
                _last_step[account] = step
                return code_at(secret, step)
            time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.1)
