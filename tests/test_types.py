"""mypy over the seams (mypy.ini): an orchestration function that reaches for a port it did not
name, or a port used in a way its Protocol doesn't offer, fails the suite."""
from __future__ import annotations

import subprocess
import sys

from app.config import PROJECT_ROOT


def test_the_seams_type_check():
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", "mypy.ini"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
