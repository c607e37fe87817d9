"""A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, started on a free local port, removed after.

Needs Debian's PostgreSQL server binaries (`/usr/lib/postgresql/<version>/bin`, the newest installed version)
and, when the tests run as root, runs the server as `nobody` (PostgreSQL refuses
root). `available()` says why a test must be skipped when it cannot run here.

One cluster serves a whole test session (`tests/conftest.py`, fixture `postgres_server`); each test gets a database
of its own (`new_database`): empty, or copied from a template that holds the store's migrated schema (a copy costs
~50 ms, a migration ~120 ms), dropped after the test whatever connections it left open.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def available() -> str | None:
    """None when a cluster can be started here, else the reason (for pytest.skip)."""
    if _bin_dir() is None:
        return "serveur PostgreSQL absent (paquet Debian postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "pilote psycopg absent"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self, run_as: str = "nobody", socket_dirs: tuple[str, ...] = ()):
        self.bin = _bin_dir()
        self.folder = tempfile.mkdtemp(prefix="pgtest-")  # under /tmp: pytest's tmp_path is closed to `nobody`
        self.socket_dirs = ",".join((self.folder, *socket_dirs))  # local sockets, besides 127.0.0.1
        self.data, self.log, self.port = f"{self.folder}/data", f"{self.folder}/postgres.log", _free_port()
        as_user = {}
        if os.geteuid() == 0:
            account = pwd.getpwnam(run_as)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        self._run = dict(cwd=self.folder, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": self.folder},
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **as_user)

    def start(self) -> ThrowawayPostgres:
        done = subprocess.run([f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                               "--locale=C.UTF-8", "--no-sync"], **self._run)
        if done.returncode:
            raise RuntimeError(done.stdout)
        for attempt in range(3):  # another process (an xdist worker, another test run) may take the free port first
            options = (f"-p {self.port} -k {self.socket_dirs} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
            done = subprocess.run([f"{self.bin}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o",
                                   options, "start"], **self._run)
            if not done.returncode:
                return self
            self.port = _free_port()
        raise RuntimeError(done.stdout + open(self.log, encoding="utf-8", errors="replace").read())

    def stop(self) -> None:
        subprocess.run([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"], **self._run)
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def sqlalchemy_url(self) -> str:
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    _names = itertools.count(1)

    def new_database(self, template: str | None = None) -> str:
        """A new database (a copy of `template` if given, else empty); returns its SQLAlchemy URL."""
        name = f"gpo_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url_of(name)

    def drop_database(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def make_template(self, name: str, prepare) -> str:
        """Create database `name`, let `prepare(url)` fill it, and keep it as a template (no connection left on it)."""
        self._admin(f'CREATE DATABASE "{name}"')
        prepare(self.url_of(name))
        self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                    f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
        return name

    def __enter__(self) -> ThrowawayPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
