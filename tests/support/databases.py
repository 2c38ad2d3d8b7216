"""The databases tests run on: a SQLite file, or a database of its own on a PostgreSQL server.

The PostgreSQL server is ``TEST_DATABASE_URL`` when it names one (CI starts a throw-away
cluster with ``scripts/pg-test-cluster.sh`` and exports it); otherwise, where PostgreSQL's
server programs are installed, the test session starts such a cluster itself and stops it
at the end. Each test gets a database of its own, created at its start and dropped at its
end: an empty one, or (for the ``runtime`` fixture) a copy of a template migrated once per
session, which is much faster than migrating every test's database. The copying and
dropping happen in a background thread while the tests run (the next test's database is
made ahead), so a test does not wait for them. SQLite tests likewise
get a copy of a SQLite file migrated once per session (:class:`SqliteTemplate`).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from storage.engine import make_engine
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_SCRIPT = ROOT / "scripts" / "pg-test-cluster.sh"


class SqliteTemplate:
    """A SQLite file at the newest schema revision, migrated once, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / "template.db"
        self._migrated = False

    def copy_to(self, path: Path) -> str:
        """A migrated database at ``path`` (a new file); its URL."""
        if not self._migrated:
            engine = make_engine(f"sqlite:///{self._path}")
            try:
                upgrade(engine)
            finally:
                engine.dispose()  # the last connection to close folds the WAL into the file
            if self._path.with_name(self._path.name + "-wal").exists():
                raise RuntimeError("the SQLite template kept a write-ahead log")
            self._migrated = True
        shutil.copyfile(self._path, path)
        return f"sqlite:///{path}"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def configured_postgres_url() -> str | None:
    """``TEST_DATABASE_URL`` when it names a PostgreSQL server."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def postgres_installed() -> bool:
    """Whether a throw-away cluster can be started here (what the cluster script needs)."""
    bindir = os.environ.get("PG_BINDIR")
    if bindir:
        found = (Path(bindir) / "initdb").exists()
    else:
        found = any(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or bool(
            shutil.which("initdb")
        )
    if not found or shutil.which("bash") is None:
        return False
    if os.geteuid() == 0:  # PostgreSQL refuses root: the script runs it as `postgres`
        return subprocess.run(["id", "postgres"], capture_output=True).returncode == 0
    return True


def postgres_available() -> bool:
    return configured_postgres_url() is not None or postgres_installed()


WHY_NO_POSTGRES = (
    "PostgreSQL is not installed (Debian: apt-get install postgresql) "
    "and TEST_DATABASE_URL names no PostgreSQL server"
)


class PostgresServer:
    """A PostgreSQL server on which each test creates and drops a database of its own."""

    def __init__(self, url: str, cluster_dir: Path | None = None) -> None:
        self.url: URL = make_url(url)
        self._cluster_dir = cluster_dir
        self._admin: Engine = create_engine(
            self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self._numbers = itertools.count()  # taken from two threads: no generator
        self._template: str | None = None
        self._watcher: subprocess.Popen[bytes] | None = None
        #: One thread copying the next database and dropping the used ones, in order.
        self._background = ThreadPoolExecutor(1, thread_name_prefix="test-databases")
        self._spares: dict[str, Future[str]] = {}
        self._drops: list[Future[None]] = []

    @classmethod
    def start(cls) -> PostgresServer:
        """``TEST_DATABASE_URL``'s server, or a throw-away cluster started now."""
        url = configured_postgres_url()
        if url:
            return cls(url)
        cluster_dir = Path(tempfile.mkdtemp(prefix="creditbot-pg-"))
        started = subprocess.run(
            ["bash", str(CLUSTER_SCRIPT), "start", str(cluster_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            shutil.rmtree(cluster_dir, ignore_errors=True)
            raise RuntimeError(f"could not start PostgreSQL: {started.stderr.strip()}")
        server = cls(started.stdout.strip().splitlines()[-1], cluster_dir)
        # Stops the cluster should this session be killed before it can (SIGTERM, SIGKILL).
        server._watcher = subprocess.Popen(
            ["bash", str(CLUSTER_SCRIPT), "watch", str(os.getpid()), str(cluster_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return server

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create_database(self, *, migrated: bool = False) -> str:
        """A new database (empty, or at the newest schema revision); its URL.

        The next one of the same kind is copied at once in the background, while this
        test runs (mostly waiting): the next test finds it made."""
        template = self._migrated_template() if migrated else "template0"
        spare = self._spares.pop(template, None)
        name = spare.result() if spare is not None else self._copy(template)
        self._spares[template] = self._background.submit(self._copy, template)
        return self.url_of(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database`` in the background (closing what is
        still connected): no later test can see it, each has a new name."""
        self._drops.append(self._background.submit(self._drop, make_url(url).database))

    def _copy(self, template: str) -> str:
        name = f"creditbot_t{os.getpid()}_{next(self._numbers)}"
        with self._admin.connect() as connection:
            # PostgreSQL 15 writes a copy into the WAL page by page; copying the files is
            # faster for a small database on a test server, whose checkpoints are cheap.
            file_copy = (connection.dialect.server_version_info or (0,)) >= (15,)
            strategy = " STRATEGY FILE_COPY" if file_copy else ""
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')
        return name

    def _drop(self, name: str | None) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _finish_background_work(self) -> None:
        """Wait for the drops, and drop the spare copies no test took."""
        for spare in self._spares.values():
            self._drops.append(self._background.submit(self._drop, spare.result()))
        self._spares.clear()
        for drop in self._drops:
            drop.result()
        self._background.shutdown()

    def _migrated_template(self) -> str:
        if self._template is None:
            name = f"creditbot_template_{os.getpid()}"
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
            engine = make_engine(self.url_of(name))
            try:
                upgrade(engine)
            finally:
                engine.dispose()
            self._template = name
        return self._template

    def close(self) -> None:
        self._finish_background_work()
        if self._template is not None:
            self._drop(self._template)
        self._admin.dispose()
        if self._watcher is not None:
            self._watcher.terminate()
            self._watcher.wait(timeout=10)
        if self._cluster_dir is not None:
            subprocess.run(
                ["bash", str(CLUSTER_SCRIPT), "stop", str(self._cluster_dir)],
                capture_output=True,
                check=False,
            )


# -- which database a test runs on -------------------------------------------------------

#: The databases the database tests run on (``pytest --db`` picks one, or both).
BACKENDS = ("sqlite", "postgresql")

#: The PostgreSQL database each running test got from ``db_backend``, by its tmp_path.
_POSTGRES_DATABASES: dict[Path, str] = {}


def use_postgres_database(tmp_path: Path, url: str) -> None:
    """Make ``url`` the database of the test whose tmp_path is ``tmp_path``."""
    _POSTGRES_DATABASES[tmp_path] = url


def forget_postgres_database(tmp_path: Path) -> None:
    del _POSTGRES_DATABASES[tmp_path]


def database_url(tmp_path: Path) -> str:
    """This test's database: its PostgreSQL database (see ``db_backend``), else a SQLite file."""
    return _POSTGRES_DATABASES.get(tmp_path) or f"sqlite:///{tmp_path / 'creditbot.db'}"
