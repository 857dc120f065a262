"""The second factor: setup with a QR code, two-step login, replays, throttle, recovery codes, admins."""

import re

import pyotp
import pytest

from portal.accounts import second_factor
from portal.accounts.models import RecoveryCode, Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests.support.factories import PASSWORD
from tests.support.totp import TOTP_SECRET

CODE_PAGE = "/connexion/verification"


def actions() -> list[str]:
    return [event.action for event in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def secret_on_setup_page(page) -> str:
    match = re.search(r'id="cle-secrete"><code>([A-Z2-7 ]+)</code>', page.get_data(as_text=True))
    assert match, "the key is not shown in text on the setup page"
    return match.group(1).replace(" ", "")


def password_step(client, user, password=PASSWORD):
    return client.post("/connexion", data={"email": user.email, "password": password})


def test_setup_page_shows_a_qr_code_and_the_key_in_text(client, make, login):
    user = make.user()
    login(user)
    page = client.get("/compte/double-authentification")
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html
    assert "QR code à scanner" in page
    secret = secret_on_setup_page(page)
    assert len(secret) == 32
    assert secret == secret_on_setup_page(client.get("/compte/double-authentification")), "a reload keeps the key"


def test_enabling_needs_a_right_code_then_shows_ten_recovery_codes_once(client, make, login, clock):
    user = make.user()
    login(user)
    secret = secret_on_setup_page(client.get("/compte/double-authentification"))
    page = client.post("/compte/double-authentification", data={"code": "123456"})
    assert "Ce code ne correspond pas" in page
    assert not user.has_second_factor

    page = client.post("/compte/double-authentification", data={"code": clock.code(secret)})
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", page.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert "ils ne seront plus jamais affichés" in page
    db.session.refresh(user)
    assert user.has_second_factor
    assert secret not in user.totp_secret, "the key is stored encrypted"
    assert "second_factor.enabled" in actions()
    stored = db.session.execute(db.select(RecoveryCode.code_hash).filter_by(user_id=user.id)).scalars().all()
    assert codes[0] not in stored and len(stored) == 10
    assert "Double authentification" in client.get("/compte/double-authentification")


def test_enabling_ends_the_other_sessions(app, client, make, login, clock):
    user = make.user()
    login(user)
    elsewhere = app.test_client()
    login(user, with_client=elsewhere)
    secret = secret_on_setup_page(client.get("/compte/double-authentification"))
    client.post("/compte/double-authentification", data={"code": clock.code(secret)})
    assert client.get("/compte").status_code == 200
    assert elsewhere.get("/compte").status_code == 302


def test_login_takes_two_steps_and_the_first_grants_nothing(client, make, clock):
    user = make.user(second_factor=True)
    response = password_step(client, user)
    assert response.headers["Location"].endswith(CODE_PAGE)
    for protected in ("/compte", "/tableau-de-bord", "/compte/double-authentification"):
        assert client.get(protected).status_code == 302
    assert "Code de vérification" in client.get(CODE_PAGE)
    assert "login.succeeded" not in actions()

    response = client.post(CODE_PAGE, data={"code": clock.code()})
    assert response.headers["Location"].endswith("/tableau-de-bord")
    assert client.get("/compte").status_code == 200
    assert actions()[-1] == "login.succeeded"


def test_each_step_starts_a_new_session(client, make, clock):
    user = make.user(second_factor=True)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    password_step(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        session["planted"] = "during the code step"
    client.post(CODE_PAGE, data={"code": clock.code()})
    with client.session_transaction() as session:
        assert "planted" not in session and "second_factor_pending" not in session


def test_the_next_page_survives_the_code_step(client, make, clock):
    user = make.user(second_factor=True)
    client.post("/connexion", data={"email": user.email, "password": PASSWORD, "next": "/compte"})
    assert client.post(CODE_PAGE, data={"code": clock.code()}).headers["Location"].endswith("/compte")


def test_a_code_cannot_be_replayed(app, client, make, clock):
    user = make.user(second_factor=True)
    code = clock.code()
    password_step(client, user)
    assert client.post(CODE_PAGE, data={"code": code}).status_code == 302
    other = app.test_client()
    password_step(other, user)
    page = other.post(CODE_PAGE, data={"code": code})
    assert "Ce code a déjà servi" in page
    assert other.get("/compte").status_code == 302
    clock.advance(30)
    assert other.post(CODE_PAGE, data={"code": clock.code()}).status_code == 302


@pytest.mark.parametrize("shift,accepted", [(-30, True), (30, True), (-65, False), (65, False)])
def test_one_step_of_clock_drift_is_tolerated(client, make, clock, shift, accepted):
    user = make.user(second_factor=True)
    password_step(client, user)
    code = pyotp.TOTP(TOTP_SECRET).at(clock.now() + shift)
    assert (client.post(CODE_PAGE, data={"code": code}).status_code == 302) is accepted


def test_the_code_step_is_throttled_like_the_password(client, make, clock):
    user = make.user(second_factor=True)
    password_step(client, user)
    for _ in range(4):
        assert "Ce code n'est pas valable" in client.post(CODE_PAGE, data={"code": "000000"})
    # Typing the right password again must not give four more tries.
    password_step(client, user)
    page = client.post(CODE_PAGE, data={"code": "000000"})
    assert "Trop de tentatives de connexion" in page
    assert "Trop de tentatives de connexion" in client.post(CODE_PAGE, data={"code": clock.code()})
    assert client.get("/compte").status_code == 302
    assert actions().count("login.second_factor_failed") == 5
    assert "login.locked" in actions()


def test_the_code_step_expires(client, make, clock):
    user = make.user(second_factor=True)
    password_step(client, user)
    clock.advance(5 * 60 + 1)
    response = client.post(CODE_PAGE, data={"code": clock.code()}, follow_redirects=True)
    assert "l'étape du code a expiré" in response
    assert client.get("/compte").status_code == 302


def enable_through_the_pages(client, clock) -> list[str]:
    secret = secret_on_setup_page(client.get("/compte/double-authentification"))
    page = client.post("/compte/double-authentification", data={"code": clock.code(secret)})
    return re.findall(r"<code>([a-z2-9-]{14})</code>", page.get_data(as_text=True))


def test_a_recovery_code_replaces_the_code_once(app, client, make, login, clock):
    user = make.user()
    login(user)
    codes = enable_through_the_pages(client, clock)
    browser = app.test_client()
    password_step(browser, user)
    response = browser.post(CODE_PAGE, data={"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert "il vous en reste 9" in browser.get("/tableau-de-bord")
    browser.post("/deconnexion")
    password_step(browser, user)
    assert "Ce code n'est pas valable" in browser.post(CODE_PAGE, data={"code": codes[0]})
    assert "second_factor.recovery_code_used" in actions()


def test_an_admin_without_second_factor_must_set_it_up_first(client, make, clock):
    admin = make.user(role=Role.ADMIN, second_factor=False)
    response = password_step(client, admin)
    assert response.status_code == 302
    for elsewhere in ("/tableau-de-bord", "/admin/utilisateurs", "/compte", "/compte/mot-de-passe"):
        assert client.get(elsewhere).headers["Location"].endswith("/compte/double-authentification")
    page = client.get("/compte/double-authentification")
    assert "obligatoire pour les comptes administrateur" in page
    secret = secret_on_setup_page(page)
    client.post("/compte/double-authentification", data={"code": clock.code(secret)})
    assert client.get("/admin/utilisateurs").status_code == 200


def test_an_admin_cannot_turn_it_off(client, make, login):
    admin = make.user(role=Role.ADMIN)
    login(admin)
    page = client.post("/compte/double-authentification/desactiver", follow_redirects=True)
    assert "obligatoire pour les administrateurs" in page
    db.session.refresh(admin)
    assert admin.has_second_factor


def test_turning_it_off_needs_a_recent_authentication(client, make, login, clock):
    user = make.user(second_factor=True)
    login(user)
    clock.advance(11 * 60)
    response = client.post("/compte/double-authentification/desactiver")
    assert "/compte/confirmer-identite?next=/compte/double-authentification" in response.headers["Location"]
    db.session.refresh(user)
    assert user.has_second_factor

    response = client.post("/compte/confirmer-identite", data={
        "password": PASSWORD, "code": clock.code(), "next": "/compte/double-authentification"})
    assert response.headers["Location"].endswith("/compte/double-authentification")
    assert client.post("/compte/double-authentification/desactiver").status_code == 302
    db.session.refresh(user)
    assert not user.has_second_factor and user.totp_secret is None
    assert "second_factor.disabled" in actions()


def test_new_recovery_codes_cancel_the_old_ones(app, client, make, login, clock):
    user = make.user()
    login(user)
    old_codes = enable_through_the_pages(client, clock)
    page = client.post("/compte/double-authentification/codes-de-secours")
    new_codes = re.findall(r"<code>([a-z2-9-]{14})</code>", page.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    browser = app.test_client()
    password_step(browser, user)
    assert "Ce code n'est pas valable" in browser.post(CODE_PAGE, data={"code": old_codes[1]})
    assert browser.post(CODE_PAGE, data={"code": new_codes[1]}).status_code == 302


def test_an_admin_resets_the_second_factor_of_someone_who_lost_it(client, make, login):
    login(make.user(role=Role.ADMIN))
    member = make.user(second_factor=True)
    assert "Réinitialiser" in client.get("/admin/utilisateurs")
    client.post(f"/admin/utilisateurs/{member.id}/double-authentification")
    db.session.refresh(member)
    assert not member.has_second_factor
    assert "second_factor.reset" in actions()


def test_a_member_cannot_reset_anyone_s_second_factor(client, make, login):
    login(make.user())
    other = make.user(second_factor=True)
    assert client.post(f"/admin/utilisateurs/{other.id}/double-authentification").status_code == 403
    db.session.refresh(other)
    assert other.has_second_factor


def test_a_key_moved_to_another_account_does_not_decrypt(app, make):
    first, second = make.user(second_factor=True), make.user()
    second.totp_secret, second.totp_enabled_at = first.totp_secret, first.totp_enabled_at
    with pytest.raises(second_factor.AccountError, match="ne peut pas être vérifiée"):
        second_factor.verify(second, pyotp.TOTP(TOTP_SECRET).now())
