"""The funding ledger: an append-only, hash-chained log of each project's budgets, requests, decisions,
payments, amendments, refusals and annulations; its balances, its rules, its exports and imports."""
