"""The test client: sends CSRF tokens like a browser, and reads pages as text like a person."""

import html

from flask import Response
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer


class PortalResponse(Response):
    """A response read as a person reads the page: ``"texte" in response`` looks in the decoded text."""

    @property
    def page_text(self) -> str:
        return html.unescape(self.get_data(as_text=True))

    def __contains__(self, needle: str) -> bool:
        return needle in self.page_text


class PortalClient(FlaskClient):
    """A test client that sends the CSRF token with every form, as a browser would; ``csrf=False`` omits it."""

    def __init__(self, app, response_wrapper=None, **kwargs):
        super().__init__(app, PortalResponse, **kwargs)

    def open(self, *args, **kwargs):
        # Each request gets an app context of its own, as in production: otherwise the request would
        # reuse the test's context, and ``g`` (the logged-in user) and the DB session would leak between
        # requests and clients.
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", "test-csrf-token-" + str(id(self)))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "csrf_token" not in (data or {}):
            kwargs["data"] = {**(data or {}), "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)
