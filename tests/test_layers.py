"""The import contracts (.importlinter) run inside the suite too, so a plain `pytest` catches a
broken layer: orchestration reaching for a vendor SDK or a concrete adapter, a channel importing
another, a ticket system importing another."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.config import PROJECT_ROOT


def test_every_import_contract_holds():
    # Its own process: import-linter's run reconfigures logging, which would silence the log
    # capture of every test after this one.
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache", "--config", ".importlinter"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
