"""`make bench-lighthouse`: Lighthouse on Log a contact, as a phone on a slow connection gets it.

Lighthouse (the npm package, pinned in bench/lighthouse/package.json and installed there by
the make target with the machine's Node.js and npm) drives Debian's Chromium (CHROME_PATH,
never a downloaded browser) with its mobile profile: a phone's screen, a slow 4G link and a
4x slower CPU, simulated. It runs the performance and accessibility categories on Log a
contact, served as in production the way bench/page_weight.py serves it: gunicorn with
`config.settings.base`, static files collected by the manifest storage and served by
WhiteNoise, a worker signed in by their session cookie (sent as an extra header), the
team's 8 recently seen people in the picker.

Writes to bench/results.json (other keys kept):
- `lighthouse_log_contact_performance`: the performance score, 0 to 100 (target at least 95);
- `lighthouse_log_contact_accessibility`: the accessibility score, 0 to 100 (target 100);
- `lighthouse_log_contact_cls`: Cumulative Layout Shift (target at most 0.1);
and prints the metrics behind the score and any accessibility audit that failed. Exit
status 1 when a target is missed. The full report goes to var/lighthouse-log-contact.json.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.page_weight import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEVDB,
    LOG_CONTACT,
    RESULTS,
    ROOT,
    collect_static,
    database_url,
    recreate_database,
    say,
    server_env,
    serving,
)

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
REPORT = ROOT / "var" / "lighthouse-log-contact.json"
PERFORMANCE_MIN = 95
ACCESSIBILITY_MIN = 100
CLS_MAX = 0.1
# As the browser tests launch it (tests/e2e/conftest.py), headless.
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]
METRICS = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index", "interactive"]


def run_lighthouse(url: str, cookie: dict[str, str], report: Path) -> dict[str, Any]:
    """One Lighthouse run (mobile, the default form factor); returns its report."""
    profile = Path(tempfile.mkdtemp(prefix="alongside-lighthouse-"))
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--extra-headers={json.dumps({'Cookie': f'{cookie["name"]}={cookie["value"]}'})}",
        f"--chrome-flags={' '.join([*CHROME_FLAGS, f'--user-data-dir={profile}'])}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    try:
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return json.loads(report.read_text())


def figures(report: dict[str, Any]) -> dict[str, float]:
    categories, audits = report["categories"], report["audits"]
    return {
        "lighthouse_log_contact_performance": round(categories["performance"]["score"] * 100),
        "lighthouse_log_contact_accessibility": round(categories["accessibility"]["score"] * 100),
        "lighthouse_log_contact_cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
    }


def misses(found: dict[str, float]) -> list[str]:
    missed = []
    if found["lighthouse_log_contact_performance"] < PERFORMANCE_MIN:
        missed.append(f"performance {found['lighthouse_log_contact_performance']} < {PERFORMANCE_MIN}")
    if found["lighthouse_log_contact_accessibility"] < ACCESSIBILITY_MIN:
        missed.append(f"accessibility {found['lighthouse_log_contact_accessibility']} < {ACCESSIBILITY_MIN}")
    if found["lighthouse_log_contact_cls"] > CLS_MAX:
        missed.append(f"Cumulative Layout Shift {found['lighthouse_log_contact_cls']} > {CLS_MAX}")
    return missed


def print_report(report: dict[str, Any], found: dict[str, float]) -> None:
    for key, value in found.items():
        say(f"{key}: {value}")
    audits = report["audits"]
    for metric in METRICS:
        say(f"  {audits[metric]['title']}: {audits[metric]['displayValue']}")
    for ref in report["categories"]["accessibility"]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            say(f"  accessibility: {audit['title']}")


def write_results(found: dict[str, float]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(found)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    if not LIGHTHOUSE.exists():
        say(f"{LIGHTHOUSE} is missing: run `make bench-lighthouse` (it installs the pinned Lighthouse first)")
        return 2
    url, started = database_url()
    static_root = Path(tempfile.mkdtemp(prefix="alongside-static-"))
    REPORT.parent.mkdir(exist_ok=True)
    try:
        env = server_env(recreate_database(url), static_root, secrets.token_urlsafe(50))
        migrate = [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        collect_static(env)
        seeded = subprocess.run(
            [sys.executable, "-m", "bench.page_weight", "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE
        )
        with serving(env) as base_url:
            report = run_lighthouse(base_url + LOG_CONTACT, json.loads(seeded.stdout), REPORT)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if started:
            subprocess.run([*DEVDB, "stop"], check=False)
    found = figures(report)
    print_report(report, found)
    write_results(found)
    missed = misses(found)
    for miss in missed:
        say(f"TARGET MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
