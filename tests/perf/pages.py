"""In-process timings of the main pages: median and 95th percentile over warm runs, and the SQL statements
one request runs (counted on the engine, as ``tests/support/queries.py`` does for the default suite).

Each page is a ``Probe``: a name, the URL, who asks, and its target. Modules add theirs in
``probes(facts)`` below (the meetings pages when that module is there).
"""

import statistics
import time
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import text

from portal.core.db import db
from tests.perf.steps.accounts import PASSWORD
from tests.support.client import PortalClient
from tests.support.queries import count_queries

MAX_QUERIES = 15
SLOW_SECONDS, SLOW_RUNS = 1.0, 5


@dataclass(frozen=True)
class Probe:
    name: str
    url: str
    who: str  # "coordinator", "member" or "caf_member" (a fact naming a user id)
    target_ms: float | None = None
    group: str = ""  # probes of one group are compared (deep directory pages against the first)


@dataclass
class Timing:
    probe: Probe
    median_ms: float
    p95_ms: float
    cpu_ms: float  # median CPU time of this process per request: less sensitive to a shared machine
    queries: int
    status: int
    size: int

    def verdicts(self, first_page_ms: float | None) -> list[str]:
        """What misses: the query budget, the time target, a deep page slower than the first."""
        missed = []
        if self.queries > MAX_QUERIES:
            missed.append(f"{self.queries} requêtes > {MAX_QUERIES}")
        if self.probe.target_ms and self.median_ms > self.probe.target_ms:
            missed.append(f"> {self.probe.target_ms:.0f} ms")
        if self.probe.group == "deep" and first_page_ms and self.median_ms > first_page_ms * 1.15:
            missed.append("plus lente que la première page")
        return missed


def deep_cursor(position: float) -> int:
    """The id after which a directory page ``position`` (0..1) of the way down the alphabet starts."""
    total = db.session.scalar(text("SELECT count(*) FROM projects"))
    return db.session.scalar(text("SELECT id FROM projects ORDER BY title_sort, id LIMIT 1 OFFSET :n"),
                             {"n": int(total * position)})


def probes(app: Flask, facts: dict) -> list[Probe]:
    with app.app_context():
        deep, deepest = deep_cursor(0.5), deep_cursor(0.97)
        log_pages = -(-db.session.scalar(text("SELECT count(*) FROM ledger_entries WHERE project_id = :p"),
                                         {"p": facts["big_project"]}) // 25)
    project, big = facts["project"], facts["big_project"]
    directory = [
        Probe("Annuaire, 1re page", "/projets", "coordinator", 25, "first"),
        Probe("Annuaire, page au milieu (keyset)", f"/projets?apres={deep}", "coordinator", 25, "deep"),
        Probe("Annuaire, page vers la fin (keyset)", f"/projets?apres={deepest}", "coordinator", 25, "deep"),
        Probe("Annuaire, page précédente (avant=)", f"/projets?avant={deepest}", "coordinator", 25, "deep"),
        Probe("Annuaire, filtre thème", f"/projets?theme={facts['themes'][0]}", "coordinator", 25),
        Probe("Annuaire, filtre public", f"/projets?public={facts['publics'][1]}", "coordinator", 25),
        Probe("Annuaire, filtre territoire", "/projets?territoire=rural", "coordinator", 25),
        Probe("Annuaire, filtre commune", f"/projets?commune={facts['communes'][2]}", "coordinator", 25),
        Probe("Annuaire, filtre organisation", f"/projets?organisation={facts['caf']}", "coordinator", 25),
        Probe("Annuaire, filtre état", "/projets?etat=en_cours", "coordinator", 25),
        Probe("Annuaire, filtre année", "/projets?annee=2015", "coordinator", 25),
        Probe("Annuaire, recherche « isolement »", "/projets?mots=isolement", "coordinator", 25),
        Probe("Annuaire, 1re page (membre)", "/projets", "member", 25),
        Probe("Annuaire, recherche (membre)", "/projets?mots=jardin", "member", 25),
    ]
    return [
        Probe("Tableau de bord (coordination)", "/tableau-de-bord", "coordinator"),
        Probe("Tableau de bord (membre)", "/tableau-de-bord", "member"),
        *directory,
        Probe("Page projet", f"/projets/{project}", "coordinator", 25),
        Probe("Page projet (membre)", f"/projets/{project}", "member", 25),
        Probe("Page projet, le plus grand (500 de chaque)", f"/projets/{big}", "coordinator", 25),
        Probe("Historique", f"/projets/{project}/historique", "coordinator", 25),
        Probe("Historique, le plus grand", f"/projets/{big}/historique", "coordinator", 25),
        Probe("Financements, le plus grand projet", f"/projets/{big}/financements", "coordinator", 40),
        Probe("Financements, le plus grand, dernière page du journal",
              f"/projets/{big}/financements?page={log_pages}", "coordinator", 40),
        Probe("Financements du réseau (coordination)", "/financements", "coordinator", 150),
        Probe("Financements du réseau (CAF)", "/financements", "caf_member", 150),
        *meetings_probes(facts),
    ]


def meetings_probes(facts: dict) -> list[Probe]:
    if "report" not in facts:
        return []
    return [
        Probe("Rencontre", f"/rencontres/{facts['rencontre']}", "member", 25),
        Probe("Compte rendu (dernière version)", f"/rencontres/comptes-rendus/{facts['report']}", "member", 25),
        Probe("Versions d'un compte rendu", f"/rencontres/comptes-rendus/{facts['report_twice']}/versions",
              "member", 25),
        Probe("Téléchargement du PDF (octets stockés)", f"/rencontres/comptes-rendus/{facts['report']}/v1.pdf",
              "member", 25),
    ]


def logged_in_client(app: Flask, user_id: int) -> PortalClient:
    app.test_client_class = PortalClient
    client = app.test_client()
    response = client.post("/connexion", data={"email": f"perf-{user_id}@exemple.fr", "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"login of user {user_id} failed: {response.status_code}")
    return client


def measure(client: PortalClient, probe: Probe, warmups: int, runs: int) -> Timing:
    for _ in range(warmups):
        client.get(probe.url)
    started = time.perf_counter()
    with count_queries() as counter:
        response = client.get(probe.url)
    if time.perf_counter() - started > SLOW_SECONDS:
        runs = min(runs, SLOW_RUNS)  # a page of seconds says what it has to say in a few runs
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(probe.url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return Timing(probe, statistics.median(samples), p95, statistics.median(cpu), counter.count,
                  response.status_code, len(response.get_data()))


def measure_pages(app: Flask, facts: dict, warmups: int, runs: int, only: str | None = None,
                  say=print) -> list[Timing]:
    clients = {}
    timings = []
    for probe in probes(app, facts):
        if only and only.lower() not in probe.name.lower():
            continue
        if probe.who not in clients:
            clients[probe.who] = logged_in_client(app, facts[probe.who])
        timings.append(measure(clients[probe.who], probe, warmups, runs))
        say(f"  {probe.name}: {timings[-1].median_ms:.1f} ms (CPU {timings[-1].cpu_ms:.1f} ms), "
            f"{timings[-1].queries} requêtes")
    return timings


def pages_table(timings: list[Timing]) -> str:
    first = next((t.median_ms for t in timings if t.probe.group == "first"), None)
    lines = ["| page | médiane | p95 | CPU (médiane) | requêtes SQL | statut | cible | |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for timing in timings:
        missed = timing.verdicts(first)
        target = f"< {timing.probe.target_ms:.0f} ms" if timing.probe.target_ms else ""
        if timing.probe.group == "deep":
            target += ", ≤ 1re page"
        lines.append(f"| {timing.probe.name} | {timing.median_ms:.1f} ms | {timing.p95_ms:.1f} ms "
                     f"| {timing.cpu_ms:.1f} ms | {timing.queries} "
                     f"| {timing.status} | {target} | {'✘ ' + '; '.join(missed) if missed else '✔'} |")
    return "\n".join(lines) + "\n"
