"""Imported once by the render fork server (see ``portal.pdf.worker``), never by the web process.

Importing WeasyPrint and rendering one small page here means every render process forked from the
server starts with the libraries loaded, the fonts registered and the French hyphenation read.
"""

import gc
import logging
from multiprocessing import spawn

from portal.pdf import renderer


def _keep_main(*_args) -> None:
    """Render processes run functions from portal modules only: none needs the web process's
    ``__main__``. Without this, multiprocessing would re-run that script (gunicorn's, flask's,
    pytest's...) in every render process, which costs time and may have side effects."""


# Only this dedicated server and the processes it forks see the change; should these private
# names ever go, multiprocessing merely goes back to importing __main__.
spawn._fixup_main_from_name = _keep_main
spawn._fixup_main_from_path = _keep_main

try:
    renderer.warm_up()
except Exception:  # a failed warm-up only makes the first renders slower; never stop the server
    logging.getLogger(__name__).exception("PDF render server warm-up failed")

# What the server holds is shared with every render process until written to: keep the garbage
# collector from touching (and so copying) it in each of them.
gc.collect()
gc.freeze()
