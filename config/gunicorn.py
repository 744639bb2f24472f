"""gunicorn's settings for an app node (`gunicorn -c python:config.gunicorn ...`; scripts/cluster.py).

Only the garbage collector is tuned here; workers, threads and addresses come on the command
line. A request makes and drops thousands of objects (model instances, template nodes'
contexts), and Python's collector runs every 700 new objects, each time walking the young
objects, and now and then every object the process holds: Django's modules, the compiled
templates, the URL patterns, none of which ever becomes garbage. Once a worker has loaded
the app, `gc.freeze()` moves all of that out of the collector's sight, and a higher first
threshold makes it run less often. bench/cpu.py measured about 5% less CPU per request of
the load test's mix with both (bench/README.md, "CPU per request"). Reference cycles are
still collected, only later; memory grows by at most the young objects of one threshold.
"""

import gc
from typing import Any

# Collect the youngest generation after this many new objects (Python's default: 700), the
# older two as often as before relative to it.
GC_THRESHOLD = (20_000, 20, 20)


def post_worker_init(worker: Any) -> None:
    """After the app is loaded in a worker: what is there now is never scanned again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
