"""``portal verify``: every published PDF still has the bytes its sha256 was computed from."""

import hashlib

from portal.core import integrity
from portal.core.db import db
from portal.meetings.models import ReportVersion

BATCH = 20  # PDFs read at once: a few MB each, the check must not hold them all in memory


@integrity.verifier("meetings.pdfs", "Empreintes des comptes rendus publiés")
def verify_published_pdfs() -> integrity.Verdict:
    ids = db.session.execute(db.select(ReportVersion.id).order_by(ReportVersion.id)).scalars().all()
    for start in range(0, len(ids), BATCH):
        rows = db.session.execute(
            db.select(ReportVersion.id, ReportVersion.report_id, ReportVersion.number, ReportVersion.sha256,
                      ReportVersion.pdf).where(ReportVersion.id.in_(ids[start:start + BATCH]))
            .order_by(ReportVersion.id)).all()
        for row in rows:
            if hashlib.sha256(row.pdf or b"").hexdigest() != row.sha256:
                return integrity.Verdict(False, f"Compte rendu {row.report_id}, version {row.number} : le PDF stocké "
                                                "ne correspond plus à son empreinte SHA-256.")
    if len(ids) == 1:
        return integrity.Verdict(True, "1 PDF publié vérifié, intact.")
    return integrity.Verdict(True, f"{len(ids)} PDF publiés vérifiés, tous intacts.")
