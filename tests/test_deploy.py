"""Production setup: gunicorn with the packaged configuration serves the portal, and the README's
example files agree with that configuration."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portal import create_app
from portal.config import DefaultConfig
from portal.deploy import gunicorn_conf
from tests.support.database import is_postgresql
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http on loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        try:
            if fetch(url)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not serve {url}:\n{log.read_text()}")


def production_environment(url: str, port: int) -> dict:
    """The settings of the README's environment file, on a loopback port and the test database.
    On SQLite (refused in production) the portal runs in development mode with the same settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    env.update({
        "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "k" * 64, "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_PROXY_FIX_HOPS": "1", "PORTAL_LOG_FORMAT": "json",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
    })
    if is_postgresql():
        env["PORTAL_ENV"] = "production"
    return env


@pytest.mark.slow
def test_gunicorn_serves_the_portal_reloads_and_stops_gracefully(fresh_apps, tmp_path):
    url = fresh_apps(migrate=True).config["SQLALCHEMY_DATABASE_URI"]
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:portal.deploy.gunicorn_conf", "wsgi:app"],
            cwd=ROOT, env=production_environment(url, port), stdout=stderr, stderr=stderr)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/healthz", process, log)
        status, headers, body = fetch(f"{base}/healthz")
        health = json.loads(body)
        assert (status, health["status"], health["migration"]["current"]) == (200, "ok", True)

        status, headers, _ = fetch(f"{base}/connexion", {"X-Forwarded-For": "203.0.113.5",
                                                         "X-Forwarded-Proto": "https"})
        assert status == 200
        if is_postgresql():  # production mode
            assert "max-age=" in headers["Strict-Transport-Security"]

        process.send_signal(signal.SIGHUP)  # `systemctl reload`: new workers, no request refused
        for _ in range(20):
            assert fetch(f"{base}/healthz")[0] == 200
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=60)
    output = log.read_text()
    assert returncode == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "portal.request"]
    login_page = next(line for line in requests if line["path"] == "/connexion")
    assert login_page["address"] == "203.0.113.5"  # ProxyFix, one trusted hop
    assert login_page["route"] == "/connexion" and login_page["status"] == 200
    assert '"GET /healthz' not in output  # no access log from gunicorn: the portal writes its own
    assert "Handling signal: hup" in output.lower() or "hang up" in output.lower()


def test_gunicorn_configuration_is_sized_for_pdf_publishing():
    assert gunicorn_conf.worker_class == "sync"
    assert gunicorn_conf.timeout >= 120
    assert gunicorn_conf.graceful_timeout >= gunicorn_conf.timeout
    assert gunicorn_conf.max_requests > 0 and 0 < gunicorn_conf.max_requests_jitter < gunicorn_conf.max_requests
    assert gunicorn_conf.accesslog is None
    assert gunicorn_conf.preload_app is False
    assert 2 <= gunicorn_conf.workers <= 9 or "GUNICORN_WORKERS" in os.environ


# --- the README's example files ---------------------------------------------------------------------

def readme_block(marker: str) -> str:
    """The fenced block of the README whose first line is ``marker``."""
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S):
        if block.startswith(marker):
            return block
    pytest.fail(f"no block starting with {marker!r} in the README")


def test_readme_environment_file_starts_a_production_portal(tmp_path, monkeypatch):
    env_file = tmp_path / "env"
    env_file.write_text(readme_block("# /etc/passerelle/env"))
    # Read the way the README's `passerelle` command reads it: by the shell.
    dumped = subprocess.run(["sh", "-c", f'set -a; . "{env_file}"; env -0'],
                            capture_output=True, check=True).stdout.decode()
    settings = dict(item.split("=", 1) for item in dumped.split("\0") if item.startswith("PORTAL_"))
    for name in [name for name in os.environ if name.startswith("PORTAL_")]:
        monkeypatch.delenv(name)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert app.config["ENV"] == "production"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["PROXY_FIX_HOPS"] == 1 and app.config["MAIL_PORT"] == 587
    assert app.config["TRUSTED_HOSTS"] == ["passerelle.example.org"]
    assert app.config["NETWORK_NAME"] == "Fédération départementale des Centres Sociaux de l'Ain"


def test_readme_unit_file_runs_the_packaged_configuration():
    unit = readme_block("# /etc/systemd/system/passerelle.service")
    assert "ExecStart=/srv/passerelle/venv/bin/gunicorn -c python:portal.deploy.gunicorn_conf wsgi:app" in unit
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in unit
    stop = int(re.search(r"TimeoutStopSec=(\d+)", unit).group(1))
    assert stop > gunicorn_conf.graceful_timeout  # systemd waits for the graceful stop to end


def test_readme_nginx_waits_longer_than_gunicorn_and_accepts_what_the_portal_accepts():
    nginx = readme_block("# /etc/nginx/sites-available/passerelle")
    for directive in ("proxy_read_timeout", "proxy_send_timeout"):
        assert int(re.search(rf"{directive} (\d+)s;", nginx).group(1)) > gunicorn_conf.timeout
    body_limit = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    assert body_limit * 1024 * 1024 > DefaultConfig.MAX_CONTENT_LENGTH  # the portal answers 413 in French
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                   "X-Forwarded-Host $host", 'X-Forwarded-Prefix ""', "X-Request-Id $request_id"):
        assert f"proxy_set_header {header};" in nginx
    assert "alias /srv/passerelle/app/static/;" in nginx
