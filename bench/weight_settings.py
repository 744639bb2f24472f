"""Settings for weighing pages (bench/page_weight.py): production's own, with the static files
collected into a directory of the run's own, so `make run`'s var/staticfiles is left alone.

Production's storage (CompressedManifestStaticFilesStorage) gives hashed names, which
WhiteNoise serves with a far-future `Cache-Control: immutable`, and pre-compressed copies,
which it serves to a browser that accepts them: the page is weighed as a phone gets it.
"""

import os
from pathlib import Path

from config.settings.base import *  # noqa: F403

STATIC_ROOT = Path(os.environ["ALONGSIDE_STATIC_ROOT"])
