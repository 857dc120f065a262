"""One module per portal module, each registering its step of the generator (``tests.perf.generator.step``).
Importing this package registers them all."""

from tests.perf.steps import accounts, funding, meetings, projects  # noqa: F401
