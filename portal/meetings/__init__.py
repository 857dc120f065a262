"""Meetings: rencontres, their ateliers (co-facilitators, testimonies, participants), and the comptes rendus
published from them as versioned, archival PDFs (through ``portal.pdf``)."""
