"""Redraw docs/screenshots/log-contact.png, the phone "Log a contact" page in the README.

Runs tests/e2e/screenshot_log_contact.py through `scripts/dev.py test`, so the database is
found as `make test` finds it (DATABASE_URL, else the private PostgreSQL). Needs Debian's
Chromium (`apt-get install -y chromium`); Playwright never downloads a browser here.

    .venv/bin/python scripts/screenshot.py
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_TEST = "tests/e2e/screenshot_log_contact.py"


def main() -> int:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    command = [sys.executable, str(ROOT / "scripts" / "dev.py"), "test", SCREENSHOT_TEST, "-p", "no:cacheprovider"]
    result = subprocess.run([*command, *sys.argv[1:]], cwd=ROOT, check=False)
    if result.returncode == 0:
        print(f"Wrote {ROOT / 'docs' / 'screenshots' / 'log-contact.png'}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
