"""The production web server's settings: gunicorn reads this file from the working directory
(the Docker image's /app, docker-compose's web, and the load test of `make bench`).

Workers: a share or a read is Python work (CPU) plus waits on PostgreSQL (locks, commit), so
a few more processes than cores keep the cores busy while some wait: gunicorn's own advice,
2 x cores + 1, is 5 sync workers on the 2 cores Sammen is sized for (issue 18). Sync workers,
not threads: the work is CPU-bound Python, which threads of one process would take turns at.
WEB_CONCURRENCY (read by gunicorn) overrides the count; `--bind` on the command line the address.
"""

import multiprocessing
import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# Behind the TLS proxy of a real installation; a slow share waits for its case lock.
timeout = 60
# A worker keeps its PostgreSQL connection between requests (DATABASE_CONN_MAX_AGE, seconds)
# instead of opening and authenticating a new one for each request. Set here, for the
# long-lived workers only: `runserver` starts a thread a request, where it would not help.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
# gunicorn 25.1 opens a control socket (`gunicornc`: worker counts, reload, shutdown) at one path
# per user, $HOME/.gunicorn/gunicorn.ctl: a second server on the machine (the benchmark beside
# `make run`) takes it over. Sammen manages its server through its process manager, not gunicornc.
control_socket_disable = True
