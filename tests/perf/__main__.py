"""``python -m tests.perf [--quick] [--database URL] [--out FILE]``: see tests/perf/suite.py."""

from tests.perf.suite import main

main()
