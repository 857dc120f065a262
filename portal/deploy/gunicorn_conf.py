"""Gunicorn configuration for production: ``gunicorn -c python:portal.deploy.gunicorn_conf wsgi:app``.

Run from the checkout (``wsgi.py`` is there), behind nginx. Every value below can be changed without
editing this file, by the environment variables named, or by command-line options (which win).

- ``GUNICORN_BIND`` (default ``127.0.0.1:8000``): where nginx reaches the portal. With several app
  servers behind one nginx, ``0.0.0.0:8000`` and a firewall letting only the proxy in.
- ``GUNICORN_WORKERS`` (or gunicorn's usual ``WEB_CONCURRENCY``): worker processes. By default two per
  CPU plus one, at most nine: each worker serves one request at a time and publishing a PDF occupies one
  for seconds. The PDF is laid out in a separate process (portal.pdf.worker): a worker that has
  published keeps a 60 MB render server beside it, and each render takes 100 to 400 MB while it runs,
  so count memory before raising it.
- ``GUNICORN_TIMEOUT`` (default 180 s): a request running longer is killed. Publishing a long compte
  rendu renders a PDF inside the request; nginx's ``proxy_read_timeout`` must be a little longer.
- ``FORWARDED_ALLOW_IPS`` (default ``127.0.0.1,::1``): the proxy addresses gunicorn believes about
  ``X-Forwarded-Proto``. The portal itself reads the client address and scheme through ProxyFix,
  set by ``PORTAL_PROXY_FIX_HOPS`` (1 behind one nginx).
"""

import os


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "wsgi:app"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
proc_name = "passerelle"

# Sync workers: the portal is request/response with short database transactions; the slow part
# (WeasyPrint) is CPU-bound, where threads or async would gain nothing.
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY") or min(2 * _cpu_count() + 1, 9))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "180"))
# On reload (SIGHUP) or stop (SIGTERM), a worker finishing a publication gets as long as the timeout
# would have given it: a deployment never cuts a request that would otherwise have succeeded.
graceful_timeout = timeout

# Recycle each worker after about a thousand requests (the jitter keeps them from all restarting at
# once): memory that PDF rendering leaves fragmented goes back to the system.
max_requests = 1000
max_requests_jitter = 100

# Not preloaded: each worker imports the application itself, so `systemctl reload` (SIGHUP) starts
# workers on the code just installed, and no database connection is ever shared across a fork.
preload_app = False

# The heartbeat file in memory: a worker is never declared dead because /tmp's disk is slow. (Gunicorn
# creates it with mkstemp and unlinks it at once, so a shared directory is safe.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Gunicorn 25.1+ opens a control socket under $HOME for its `gunicornc` tool; under the README's
# systemd unit the home is read-only, and `systemctl reload` / `stop` are the controls we use.
# (Older gunicorn versions ignore this setting.)
control_socket_disable = True

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The portal writes one structured line per request itself (logger portal.request, with the user and
# the route); gunicorn's access log would repeat it without them. Gunicorn's own messages (workers
# started, timeouts) go to stderr, which systemd hands to the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
