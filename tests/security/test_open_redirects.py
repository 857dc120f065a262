"""Open redirects: every place that sends a person on to a ``next`` address (after logging in, after the
one-time code, after confirming one's password) refuses any address off the site, however it is written
or encoded, and still follows a local one. Checked on the Location header, read as a browser reads it
(backslashes as slashes, tabs and newlines dropped), for the ``next`` of the address and of the form."""

from urllib.parse import quote, urlsplit

import pytest

from tests.support.factories import PASSWORD
from tests.support.totp import portal_code

HOST = "passerelle.test"  # the tests' SERVER_NAME
HOSTILE = [
    "//evil.example", "///evil.example", "////evil.example/x", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "\\/evil.example", "https://evil.example", "HTTPS://evil.example/", "http:evil.example",
    "https:/evil.example", "//evil.example@passerelle.test", "https://passerelle.test@evil.example",
    "/%2F/evil.example", "%2F%2Fevil.example", "/%5Cevil.example", "%5C%5Cevil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r\n//evil.example", " //evil.example", "\x00//evil.example",
    "javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "  javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "／／evil.example", "/／evil.example",
    "ｈｔｔｐｓ://evil.example", "//evil。example", "/.evil.example/../..//evil.example",
]


def as_browser_reads(location: str) -> tuple[str, str]:
    """(scheme, host) of the Location once a browser has cleaned it: backslashes are slashes, tabs and
    newlines vanish, leading spaces and control characters are stripped."""
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r").replace("\\", "/").lstrip("\x00\x20")
    parts = urlsplit(cleaned)
    return parts.scheme.lower(), parts.hostname or ""


def assert_stays_on_site(response, target: str) -> None:
    """A redirect on the site, or no redirect at all: a form refusing a NUL character re-shows itself,
    and a NUL in the address itself gets the 400 page (portal.core.errors)."""
    assert response.status_code in (200, 302) or (response.status_code == 400 and "\x00" in target), \
        response.status_code
    if response.status_code in (200, 400):
        assert "Location" not in response.headers
        return
    location = response.headers["Location"]
    scheme, host = as_browser_reads(location)
    assert scheme in ("", "http", "https") and host in ("", HOST), f"next={target!r} sent to {location!r}"


@pytest.fixture
def people(shared):
    return shared.network


@pytest.mark.parametrize("target", HOSTILE)
def test_login_refuses_to_send_anyone_off_the_site(client, people, target):
    client.get(f"/connexion?next={quote(target, safe='')}")
    response = client.post(f"/connexion?next={quote(target, safe='')}",
                           data={"email": people.emails["carrier"], "password": PASSWORD, "next": target})
    assert_stays_on_site(response, target)


@pytest.mark.parametrize("target", HOSTILE[::3])
def test_the_one_time_code_step_refuses_it_too(client, people, target):
    response = client.post("/connexion", data={"email": people.emails["admin"], "password": PASSWORD,
                                               "next": target})
    if response.status_code == 200:  # the form refused the address outright
        return
    assert response.headers["Location"].endswith("/connexion/verification")
    assert_stays_on_site(client.post("/connexion/verification", data={"code": portal_code()}), target)


@pytest.mark.parametrize("target", HOSTILE[1::3])
def test_confirming_ones_password_refuses_it_too(client, people, target):
    client.post("/connexion", data={"email": people.emails["carrier"], "password": PASSWORD})
    response = client.post(f"/compte/confirmer-identite?next={quote(target, safe='')}",
                           data={"password": PASSWORD, "next": target})
    assert_stays_on_site(response, target)


@pytest.mark.parametrize("path", ["/projets?q=atelier&page=2", "/compte/mot-de-passe"])
def test_a_local_next_is_followed(client, people, path):
    response = client.post("/connexion", data={"email": people.emails["carrier"], "password": PASSWORD,
                                               "next": path})
    assert response.headers["Location"].removeprefix(f"http://{HOST}") == path


def test_a_page_asked_before_logging_in_is_the_next_one(client, people):
    asked = client.get("/projets?q=atelier")
    assert asked.headers["Location"].endswith("/connexion?next=%2Fprojets%3Fq%3Datelier")
    response = client.post(asked.headers["Location"], data={"email": people.emails["carrier"], "password": PASSWORD,
                                                             "next": "/projets?q=atelier"})
    assert response.headers["Location"].removeprefix(f"http://{HOST}") == "/projets?q=atelier"
