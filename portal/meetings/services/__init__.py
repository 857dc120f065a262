"""The meetings rules. Services flush, never commit: the view (or command) commits once.

- ``rencontres``: rencontres and ateliers (co-facilitators, testimonies, participants)
- ``reports``: comptes rendus, their draft (optimistic lock) and publishing (PDF rendered once, version n+1)
"""
