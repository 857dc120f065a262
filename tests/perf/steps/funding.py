"""Funding ledgers with valid hash chains: ``entries`` in all, ``big_ledger`` of them on the largest project.

Each fiscal year of a funder reads as real ledgers do (budget, demande, accord, acompte, solde, then a
demande to the next funder), and now and then a solde is annulled, so the log's "annulled by" joins and
the balances' anti-join have work to do. The chain is computed by the portal's own ``chain_hash``:
``portal verify-ledger`` accepts the generated database.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from portal.funding.chain import GENESIS_HASH, HASHED_FIELDS, chain_hash
from portal.funding.models import FundingTotal, LedgerEntry
from portal.funding.services.totals import AMOUNTS, KEY, recomputed_totals
from tests.perf.generator import World, bulk_insert, step

RECORDED = datetime(2021, 1, 1, tzinfo=UTC)
FIRST_YEAR = 2005
YEARS = 20
ANNUL_EVERY = 20  # blocks


def block(funder: int, next_funder: int, year: int, number: int) -> list[dict]:
    """Six entries of one funder's year; ``annuls`` (an index in the block) is resolved to an id later."""
    day = date(year, 3, 1)
    amount = 1_000_00 * (1 + number % 9)
    return [
        {"kind": "budget", "funder_id": None, "amount_cents": amount * 4},
        {"kind": "demande", "funder_id": funder, "amount_cents": amount * 2, "reference": f"Dossier {year}-{number}"},
        {"kind": "accord", "funder_id": funder, "amount_cents": amount * 2, "decision_date": day + timedelta(days=60)},
        {"kind": "versement", "funder_id": funder, "amount_cents": amount, "payment_kind": "acompte"},
        {"kind": "versement", "funder_id": funder, "amount_cents": amount, "payment_kind": "solde"},
        {"kind": "annulation", "funder_id": funder, "amount_cents": amount, "annuls": 4,
         "note": "Versement saisi deux fois."}
        if number % ANNUL_EVERY == ANNUL_EVERY - 1 else
        {"kind": "demande", "funder_id": next_funder, "amount_cents": amount, "reference": f"Dossier {year}-{number}b"},
    ]


def ledger(world: World, project_id: int, funders: list[int], count: int, recorded: datetime) -> Iterator[dict]:
    """``count`` chained rows of one project."""
    ids = world.next_ids("ledger_entries", count)
    prev, seq, number = GENESIS_HASH, 0, 0
    recorder = world.facts["coordinator"]
    while seq < count:
        year = FIRST_YEAR + (number // len(funders)) % YEARS
        made = block(funders[number % len(funders)], funders[(number + 1) % len(funders)], year, number)
        block_ids = ids[seq:seq + len(made)]
        for offset, entry in enumerate(made):
            if seq >= count:
                break
            annuls = entry.pop("annuls", None)
            fields = {**dict.fromkeys(HASHED_FIELDS), **entry, "project_id": project_id, "seq": seq + 1,
                      "fiscal_year": year, "event_date": date(year, 1 + offset * 2, 1 + number % 28),
                      "annuls_entry_id": block_ids[annuls] if annuls is not None else None,
                      "recorded_by_id": recorder, "recorded_at": recorded + timedelta(minutes=seq)}
            digest = chain_hash(prev, fields)
            yield {**fields, "id": ids[seq], "prev_hash": prev, "hash": digest}
            prev, seq = digest, seq + 1
        number += 1


@step("funding", order=30)
def funding(connection, world: World) -> None:
    scale, facts = world.scale, world.facts
    organisations = world.ids["organisations"]
    big = facts["big_project"]
    others = [p for p in world.ids["projects"] if p != big]
    rest = scale.entries - scale.big_ledger
    per_project = -(-rest // len(others))
    # The largest ledger: six funders over twenty years, about four funder-years of entries a year each.
    big_funders = [facts["caf"], facts["departement"], *organisations[3:7]]

    def rows():
        yield from ledger(world, big, big_funders, scale.big_ledger, RECORDED)
        left = rest
        for index, project_id in enumerate(others):
            if left <= 0:
                break
            count = min(per_project, left)
            left -= count
            local = organisations[3 + index % (len(organisations) - 3)]
            funders = [facts["caf"] if index % 2 else facts["departement"], local]
            yield from ledger(world, project_id, funders, count, RECORDED + timedelta(hours=index))

    facts["entries"] = bulk_insert(connection, LedgerEntry.__table__, rows())
    # The rows went in past the ledger service: the network page's totals are computed from them, as
    # the migration and import-network do.
    connection.execute(insert(FundingTotal.__table__).from_select(
        [*KEY, *AMOUNTS, "entries"], recomputed_totals()))
