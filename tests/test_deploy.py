"""Production setup: gunicorn with the packaged configuration serves the portal, and the README's
example files agree with that configuration."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
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


class Gunicorn:
    """The portal under gunicorn with the packaged configuration, as the README's unit starts it."""

    def __init__(self, database_url: str, log: Path, **settings):
        self.port = free_port()
        self.log = log
        env = {**production_environment(database_url, self.port), **settings}
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:portal.deploy.gunicorn_conf", "wsgi:app"],
                cwd=ROOT, env=env, stdout=output, stderr=output)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_until_serving(f"{self.base}/healthz", self.process, log)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def log_lines(self, logger: str = "portal.request") -> list[dict]:
        lines = [json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")]
        return [line for line in lines if line["logger"] == logger]


@pytest.fixture
def gunicorn(fresh_apps, tmp_path):
    server = Gunicorn(fresh_apps(migrate=True).config["SQLALCHEMY_DATABASE_URI"], tmp_path / "gunicorn.log",
                      PORTAL_TRUSTED_HOSTS='["passerelle.example.org", "127.0.0.1"]')
    yield server
    server.stop()


@pytest.mark.slow
def test_gunicorn_serves_the_portal_reloads_and_stops_gracefully(gunicorn):
    status, headers, body = fetch(f"{gunicorn.base}/healthz")
    health = json.loads(body)
    assert (status, health["status"], health["migration"]["current"]) == (200, "ok", True)

    status, headers, _ = fetch(f"{gunicorn.base}/connexion", {"X-Forwarded-For": "203.0.113.5",
                                                                "X-Forwarded-Proto": "https"})
    assert status == 200
    if is_postgresql():  # production mode
        assert "max-age=" in headers["Strict-Transport-Security"]

    gunicorn.process.send_signal(signal.SIGHUP)  # `systemctl reload`: new workers, no request refused
    for _ in range(20):
        assert fetch(f"{gunicorn.base}/healthz")[0] == 200
        time.sleep(0.05)
    assert gunicorn.stop() == 0
    output = gunicorn.log.read_text()
    login_page = next(line for line in gunicorn.log_lines() if line["path"] == "/connexion")
    assert login_page["address"] == "203.0.113.5"  # ProxyFix, one trusted hop
    assert login_page["route"] == "/connexion" and login_page["status"] == 200
    assert '"GET /healthz' not in output  # no access log from gunicorn: the portal writes its own
    assert "Handling signal: hup" in output
    assert "control socket" not in output.lower()  # disabled: the README's unit has a read-only home


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


def readme_wrapper(tmp_path: Path) -> Path:
    """The README's `passerelle` command, pointed at this checkout and run as the current user."""
    block = readme_block("cat > /usr/local/bin/passerelle <<'SCRIPT'")
    script = block.split("\n", 1)[1].split("\nSCRIPT\n")[0]
    script = (script.replace("/srv/passerelle/app", str(ROOT)).replace("/srv/passerelle/venv", str(ROOT / ".venv"))
              .replace("runuser -u passerelle", "runuser -u root"))
    wrapper = tmp_path / "passerelle"
    wrapper.write_text(script + "\n")
    wrapper.chmod(0o755)
    return wrapper


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"), reason="runuser needs root")
def test_readme_wrapper_runs_flask_commands_with_the_settings_file(fresh_apps, tmp_path):
    url = fresh_apps().config["SQLALCHEMY_DATABASE_URI"]
    settings = readme_block("# /etc/passerelle/env")
    settings = re.sub(r"^PORTAL_DATABASE_URL=.*$", f"PORTAL_DATABASE_URL={url}", settings, flags=re.M)
    if not is_postgresql():  # production refuses SQLite; the other settings stay as written
        settings = settings.replace("PORTAL_ENV=production", "PORTAL_ENV=development")
    (tmp_path / "env-essai").write_text(settings)
    env = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    env["PASSERELLE_ENV"] = str(tmp_path / "env-essai")
    wrapper = readme_wrapper(tmp_path)
    for command in (["db", "upgrade"], ["portal", "verify"]):
        result = subprocess.run([str(wrapper), *command], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "vérifications sont passées" in result.stdout


# --- the README's nginx block, in front of gunicorn ----------------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SITE = "passerelle.example.org"


class Nginx:
    """nginx running the README's server blocks as written, but on free loopback ports, a throw-away
    certificate and this checkout's static folder."""

    def __init__(self, folder: Path, upstream_port: int):
        self.http_port, self.https_port = free_port(), free_port()
        self.folder = folder
        certificate, key = folder / "cert.pem", folder / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", f"/CN={SITE}", "-keyout", str(key), "-out", str(certificate)],
                       check=True, capture_output=True)
        site = readme_block("# /etc/nginx/sites-available/passerelle")
        for old, new in (("127.0.0.1:8000", f"127.0.0.1:{upstream_port}"),
                         ("listen 80", f"listen 127.0.0.1:{self.http_port}"),
                         ("listen 443", f"listen 127.0.0.1:{self.https_port}"),
                         (f"/etc/letsencrypt/live/{SITE}/fullchain.pem", str(certificate)),
                         (f"/etc/letsencrypt/live/{SITE}/privkey.pem", str(key)),
                         ("/srv/passerelle/app/static/", f"{ROOT}/static/")):
            assert old in site
            site = site.replace(old, new)
        site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
        temp = "".join(f"{kind}_temp_path {folder}/{kind};\n" for kind in
                       ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # As root, nginx's workers would switch to nobody, who cannot write the test's private folder.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
            f"http {{\ninclude /etc/nginx/mime.types;\naccess_log {folder}/access.log;\n{temp}{site}\n}}\n")
        check = subprocess.run([NGINX, "-t", "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-g", "daemon off;"])

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
                server_name: str = SITE, https: bool = True):
        if https:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection = _SNIConnection("127.0.0.1", self.https_port, server_name, context=context, timeout=10)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        connection.request(method, path, body=body, headers={"Host": server_name, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class _SNIConnection(http.client.HTTPSConnection):
    """HTTPS to a loopback port, presenting ``server_name`` in the TLS handshake as a browser would."""

    def __init__(self, host, port, server_name, **kwargs):
        super().__init__(host, port, **kwargs)
        self.server_name = server_name

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.server_name)


@pytest.fixture
def nginx(gunicorn, tmp_path):
    folder = tmp_path / "nginx"
    folder.mkdir()
    server = Nginx(folder, gunicorn.port)
    for _ in range(100):
        try:
            server.request("GET", "/healthz")
            break
        except OSError:
            time.sleep(0.05)
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")
def test_readme_nginx_serves_the_portal_over_tls_and_shields_it(nginx, gunicorn):
    status, headers, body = nginx.request("GET", "/healthz")
    assert status == 200 and json.loads(body)["migration"]["current"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-Id"])  # nginx's $request_id, echoed

    # Forged forwarding headers from a client do not get through.
    status, _, body = nginx.request("GET", "/connexion", {
        "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "attaquant.example", "X-Forwarded-Prefix": "/piege"})
    assert status == 200  # had the forged host reached the portal, TRUSTED_HOSTS would answer 400
    assert b"/piege" not in body
    login = next(line for line in gunicorn.log_lines() if line["path"] == "/connexion")
    assert login["address"] == "127.0.0.1"  # the address nginx saw, not the one the client claimed
    assert login["request_id"] in {line["request_id"] for line in gunicorn.log_lines()}

    # Static files come from nginx, with a long cache and the content's hash in the URL.
    static_url = re.search(rb'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"', body).group(1).decode()
    status, headers, css = nginx.request("GET", static_url)
    assert status == 200 and css == (ROOT / "static/css/portal.css").read_bytes()
    assert headers["Cache-Control"] == "max-age=2592000"
    assert not any(line["path"].startswith("/static/") for line in gunicorn.log_lines())

    # Plain HTTP is sent to HTTPS; other host names get nothing.
    status, headers, _ = nginx.request("GET", "/connexion", https=False)
    assert status == 301 and headers["Location"] == f"https://{SITE}/connexion"
    with pytest.raises(ssl.SSLError):
        nginx.request("GET", "/healthz", server_name="attaquant.example")
    with pytest.raises(http.client.RemoteDisconnected):
        nginx.request("GET", "/healthz", server_name="attaquant.example", https=False)


@pytest.mark.slow
@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")
def test_readme_nginx_lets_the_portal_refuse_large_uploads_in_french(nginx):
    status, _, body = nginx.request("POST", "/connexion", {"Content-Type": "application/x-www-form-urlencoded"},
                                    body=b"x=" + b"a" * (17 * 1024 * 1024))
    assert status == 413
    assert "Envoi trop volumineux" in body.decode()
