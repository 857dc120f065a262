"""The canonical form of an entry and the hash chain that makes a ledger tamper-evident."""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.funding.chain import GENESIS_HASH, HASHED_FIELDS, canonical_form, chain_hash, verify_rows


def entry(seq: int, project_id: int = 1, **changes) -> dict:
    fields = {
        "project_id": project_id, "seq": seq, "kind": "accord", "funder_id": 4, "fiscal_year": 2024,
        "event_date": date(2024, 3, 5), "amount_cents": 1_234_56, "reference": "Convention n° 2024-17",
        "note": "Première tranche — « Entracte »", "payment_kind": None, "decision_date": date(2024, 3, 1),
        "annuls_entry_id": None, "recorded_by_id": 7,
        "recorded_at": datetime(2024, 3, 5, 9, 30, 15, 123456, tzinfo=UTC), "project_revision_id": 12,
        "source": None,
    }
    fields.update(changes)
    return fields


def chained(*entries: dict) -> list[dict]:
    """Give each entry its prev_hash and hash, project by project, as the services will."""
    rows, last = [], {}
    for fields in entries:
        prev = last.get(fields["project_id"], GENESIS_HASH)
        row = {**fields, "prev_hash": prev, "hash": chain_hash(prev, fields)}
        last[fields["project_id"]] = row["hash"]
        rows.append(row)
    return rows


def test_canonical_form_is_sorted_compact_json_with_integers_iso_dates_and_utc_times():
    form = canonical_form(entry(1))
    document = json.loads(form)
    assert list(document) == sorted(document)
    assert b" :" not in form and b", " not in form
    assert document["amount_cents"] == 123456
    assert document["event_date"] == "2024-03-05"
    assert document["recorded_at"] == "2024-03-05T09:30:15.123456Z"
    assert document["v"] == 1
    assert set(document) == {*HASHED_FIELDS, "v"}
    assert "« Entracte »".encode() in form  # UTF-8 as is, not \u escapes


def reference_form(fields: dict) -> bytes:
    """The canonical form as its definition says it, through the json module."""
    document = {name: fields[name] for name in HASHED_FIELDS}
    for name, value in document.items():
        if isinstance(value, datetime):
            document[name] = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif isinstance(value, date):
            document[name] = value.isoformat()
    document["v"] = 1
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


texts = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
numbers = st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1))


@settings(max_examples=300)
@given(st.fixed_dictionaries({
    "reference": texts, "note": texts, "source": texts, "kind": st.sampled_from(["accord", "avenant"]),
    "amount_cents": numbers, "funder_id": numbers, "annuls_entry_id": numbers,
    "event_date": st.dates(), "decision_date": st.one_of(st.none(), st.dates()),
    "recorded_at": st.datetimes(timezones=st.just(UTC), min_value=datetime(1000, 1, 1)),
}))
def test_the_fast_canonical_form_is_the_json_modules(changes):
    fields = entry(3, **changes)
    assert canonical_form(fields) == reference_form(fields)


def test_times_in_another_zone_give_the_same_form():
    paris = timezone(timedelta(hours=1))
    local = datetime(2024, 3, 5, 10, 30, 15, 123456, tzinfo=paris)
    assert canonical_form(entry(1, recorded_at=local)) == canonical_form(entry(1))


def test_naive_times_and_unknown_types_are_refused():
    with pytest.raises(ValueError):
        canonical_form(entry(1, recorded_at=datetime(2024, 1, 1)))
    with pytest.raises(TypeError):
        canonical_form(entry(1, amount_cents=12.5))


def test_people_appear_by_id_only():
    """Names and e-mails are not part of an entry's hash: anonymising a person breaks no chain."""
    assert not {"recorded_by", "recorded_by_name", "email"} & set(HASHED_FIELDS)
    assert "recorded_by_id" in HASHED_FIELDS


def test_hash_is_sha256_of_previous_hash_and_canonical_form():
    expected = hashlib.sha256(GENESIS_HASH.encode() + canonical_form(entry(1))).hexdigest()
    assert chain_hash(GENESIS_HASH, entry(1)) == expected


def test_an_intact_chain_verifies_project_by_project():
    rows = chained(entry(1), entry(2), entry(3), entry(1, project_id=2), entry(2, project_id=2))
    rows.sort(key=lambda r: (r["project_id"], r["seq"]))
    result = verify_rows(rows)
    assert result.checked == 5 and result.broken is None


@pytest.mark.parametrize("tamper,reason", [
    (lambda rows: rows[1].update(amount_cents=999_999_00), "ne correspond plus à son empreinte"),
    (lambda rows: rows[1].update(note="autre"), "ne correspond plus à son empreinte"),
    (lambda rows: rows.pop(1), "numéro attendu 2, trouvé 3"),
    (lambda rows: rows[1].update(prev_hash="f" * 64), "l'empreinte précédente ne correspond pas"),
])
def test_the_first_broken_entry_is_named(tamper, reason):
    rows = chained(entry(1), entry(2), entry(3), entry(4))
    tamper(rows)
    result = verify_rows(rows)
    assert result.broken.project_id == 1
    assert result.broken.seq in (2, 3)
    assert reason in result.broken.reason


def test_rewriting_an_entry_and_rehashing_it_still_breaks_the_next_link():
    rows = chained(entry(1), entry(2), entry(3))
    forged = {**rows[1], "amount_cents": 1}
    forged["hash"] = chain_hash(forged["prev_hash"], forged)
    rows[1] = forged
    result = verify_rows(rows)
    assert (result.broken.seq, result.checked) == (3, 3)
