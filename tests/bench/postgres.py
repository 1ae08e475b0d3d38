"""A throwaway PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1.

The load and fault tests stop and start their own cluster; the shared server on 5432,
which other test runs use, is never touched.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.bench.server import LOOPBACK, free_port


def binaries():
    """The folder of initdb and pg_ctl, or None where PostgreSQL's server is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class ThrowawayPostgres:
    def __init__(self):
        self.bin = binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="momentum-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        self.run("createdb", "-h", LOOPBACK, "-p", str(self.port), "-U", "postgres", "momentum")
        self.url = f"postgres://postgres@{LOOPBACK}:{self.port}/momentum"

    def run(self, program, *args):
        subprocess.run(
            [*self.as_owner, str(self.bin / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses={LOOPBACK}"
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
