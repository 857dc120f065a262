"""The load run: the portal under gunicorn (2 sync workers) on loopback, loaded for a bounded time by a
small threaded client, beside the floor page (``floor.py``) served the same way, in the same run.

The rounds alternate (floor, portal, floor, portal...) so that a change in the machine's load (it is
shared) hits both alike; each figure is requests per second over all its rounds. The client opens a
connection per request, as gunicorn's sync workers close each one. The logged-in requests carry the
session cookie of a login made in process against the same database and secret key.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from tests.perf.pages import logged_in_client

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
CLIENT_THREADS = 4
ROUNDS = 2


@dataclass
class Target:
    name: str
    app: str  # gunicorn's module:variable
    path: str
    cookie: str | None = None
    env: dict = field(default_factory=dict)
    goal: float = 0.5  # share of the floor's requests per second to reach
    done: int = 0
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: Target, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--worker-tmp-dir", "/dev/shm", "--log-level", "warning", target.app]
    env = {**os.environ, **target.env}
    with log.open("a") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, target.path, target.cookie) == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {target.name} exited; see {log}")
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn for {target.name} did not answer 200 on {target.path}; see {log}")


def get(port: int, path: str, cookie: str | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def load(target: Target, port: int, seconds: float) -> None:
    """CLIENT_THREADS threads asking for the page back to back until the time is up."""
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        done = errors = 0
        while time.monotonic() < deadline:
            try:
                ok = get(port, target.path, target.cookie) == 200
            except OSError:
                ok = False
            done, errors = done + ok, errors + (not ok)
        with lock:
            target.done += done
            target.errors += errors

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target.seconds += time.monotonic() - started


def session_cookie(app: Flask, user_id: int) -> str:
    client = logged_in_client(app, user_id)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return f"{cookie.key}={cookie.value}"


def portal_targets(app: Flask, url: str, secret_key: str, facts: dict) -> list[Target]:
    """The logged-in pages loaded against the floor (modules add theirs here: the PDF download...)."""
    env = {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": secret_key, "PORTAL_LOG_LEVEL": "INFO"}
    cookie = session_cookie(app, facts["coordinator"])
    targets = [Target("Page projet (connecté)", "wsgi:app", f"/projets/{facts['project']}", cookie, env)]
    if "report" in facts:
        targets.append(Target("Téléchargement d'un PDF publié (connecté)", "wsgi:app",
                              f"/rencontres/comptes-rendus/{facts['report']}/v1.pdf", cookie, env, goal=0.7))
    return targets


def run_load(app: Flask, url: str, secret_key: str, facts: dict, seconds: float, output: Path) -> list[Target]:
    floor = Target("Plancher : page Flask + Jinja minimale", "tests.perf.floor:app", "/")
    targets = [floor, *portal_targets(app, url, secret_key, facts)]
    log = output / "gunicorn.log"
    servers = {}
    try:
        for target in targets:
            port = free_port()
            servers[target.name] = (serve(target, port, log), port)
        for _ in range(ROUNDS):
            for target in targets:
                load(target, servers[target.name][1], seconds)
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            process.wait(timeout=30)
    return targets


def load_section(app: Flask, url: str, secret_key: str, facts: dict, seconds: float, output: Path) -> str:
    targets = run_load(app, url, secret_key, facts, seconds, output)
    floor = targets[0]
    lines = [f"\nCharge : gunicorn, {WORKERS} workers sync, boucle locale, {CLIENT_THREADS} clients en parallèle, "
             f"{ROUNDS} tours alternés de {seconds:.0f} s par page (serveurs lancés ensemble, "
             "un seul chargé à la fois).\n",
             "| page | requêtes/s | erreurs | rapport au plancher | cible |", "|---|---:|---:|---:|---|"]
    for target in targets:
        ratio = target.rps / floor.rps if floor.rps else 0
        goal = "" if target is floor else (f"≥ {target.goal:.0%} " + ("✔" if ratio >= target.goal else "✘"))
        lines.append(f"| {target.name} | {target.rps:.0f} | {target.errors} | {ratio:.0%} | {goal} |")
    return "\n".join(lines) + "\n"
