"""A PostgreSQL streaming replica: writes go to the primary, visitors' pages read the replica, and fall back.

The replica is started the way scripts/services.sh starts the suite's PostgreSQL (PostgreSQL's own
binaries as the postgres system user, a free port, a temporary folder), from `pg_basebackup -R` of the
test's primary, once the test database exists there: it is a physical copy of the whole cluster and
streams every later change, so rows these tests commit (`transaction=True`) reach it.

Why the "replica" alias is added at run time rather than by DATABASE_REPLICA_URL before Django loads:
the replica can only be copied once pytest-django has created the test database, after settings are
read, and a replica alias for the whole session would route every other test's visitor pages to it.
The alias added here is what settings.py plus Django's test runner produce for DATABASE_REPLICA_URL
(the default's options, host and port of the replica, TEST MIRROR "default" so it is never created or
flushed); `test_settings_build_the_replica_alias_like_the_primary` checks settings.py itself against
the running replica in a fresh process.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import psycopg
import pytest
from django.db import connections, transaction
from django.urls import reverse

from marketplace.common.replica import REPLICA, forget_replica_health, reads_from_replica, replica_alias
from profiles.models import FreelancerProfile
from projects.models import Project
from search.params import ProjectSearchParams
from search.selectors import project_search
from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory
from tests.marketplace.processes import ROOT, PrivatePostgres, process_env, wait_until

REPLICA_LOGGER = "marketplace.common.replica"
# Committed rows (so they reach the replica), and the replica alias allowed alongside the primary.
replica_db = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _primary() -> dict:
    return connections["default"].settings_dict


def _primary_url(database: str) -> str:
    db = _primary()
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{database}"


_MATCHED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class StreamingReplica(PrivatePostgres):
    """A hot standby of the test's primary: `pg_basebackup -R`, then streaming replication."""

    def __init__(self):
        super().__init__()
        self.name = f"test_replica_{self.port}"
        # Outside the data folder, which holds a copy of the primary's own log.
        self.log = self.dir / "replica.log"

    def create(self) -> None:
        # Under /tmp, owned by the postgres user, who runs pg_basebackup (it creates the data folder).
        shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o755)
        db = _primary()
        # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
        self._as_postgres(
            str(self.bin / "pg_basebackup"), "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"] or "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast", "--no-sync", "--no-manifest",
        )  # fmt: skip
        # A hot standby refuses to start with fewer connections, workers or locks than its primary.
        with psycopg.connect(_primary_url("postgres"), autocommit=True) as conn:
            self.matched = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in _MATCHED_SETTINGS}
        self.start()

    def start(self) -> None:
        # As the primary is started (scripts/services.sh), named so pg_stat_replication tells it apart.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.data} -c fsync=off -c synchronous_commit=off "
            f"-c cluster_name={self.name} -c hot_standby=on "
        ) + " ".join(f"-c {name}={value}" for name, value in self.matched.items())
        try:
            self._as_postgres(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                "-o", options, "start",
            )  # fmt: skip
        except subprocess.CalledProcessError:
            pytest.fail(f"The replica did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
        wait_until(self.streaming, timeout=60, what="the replica to stream from the primary")

    def streaming(self) -> bool:
        with psycopg.connect(_primary_url("postgres"), autocommit=True) as conn:
            row = conn.execute(
                "SELECT state FROM pg_stat_replication WHERE application_name = %s", [self.name]
            ).fetchone()
        return row is not None and row[0] == "streaming"

    def sql(self, query: str, params=()):
        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=5) as conn:
            return conn.execute(query, params).fetchone()

    def wait_caught_up(self) -> None:
        """Until the replica has replayed everything the primary had written when this was called.

        The target is the end of a record written now (a logical message, superuser only): an end the
        replica reports once it replays it. The insert position may not be one (see `_wal_end_at_a_page_end`).
        """
        with psycopg.connect(_primary_url("postgres"), autocommit=True) as conn:
            target = conn.execute("SELECT pg_logical_emit_message(false, 'caught-up', '')").fetchone()[0]
        self.wait_replayed(target)

    def wait_replayed(self, lsn) -> None:
        wait_until(
            lambda: self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(lsn)])[0],
            timeout=30,
            every=0.05,
            what="the replica to replay the primary's writes",
        )

    def pause(self) -> None:
        self.sql("SELECT pg_wal_replay_pause()")
        wait_until(
            lambda: self.sql("SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
            timeout=10,
            every=0.05,
            what="replay to pause",
        )

    def resume(self) -> None:
        with contextlib.suppress(psycopg.OperationalError):  # Stopped: nothing to resume.
            self.sql("SELECT pg_wal_replay_resume()")


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def _wal_end_at_a_page_end(conn) -> int:
    """Write logical messages on the primary until its WAL ends exactly at a page's end; returns that end.

    PostgreSQL then reports its insert position past the next page's header, a position no replica
    replays to until something else is written. A message of content length n takes
    MAXALIGN(overhead + n) bytes: one of length 0 measures the aligned overhead, and the next fills
    what is left of the page.
    """
    page = int(conn.execute("SHOW wal_block_size").fetchone()[0])

    def emit(length: int) -> int:
        return _lsn(conn.execute("SELECT pg_logical_emit_message(false, 'page-end', repeat('x', %s))", [length])
                    .fetchone()[0])  # fmt: skip

    for _attempt in range(20):
        start = _lsn(conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0])
        overhead = emit(0) - start
        left = page - emit(0) % page
        if overhead <= 0 or left < overhead:
            continue  # another writer came between, or too little room left on this page: the next one
        end = emit(left - overhead)
        if end % page == 0:
            return end
    pytest.fail("The primary's WAL never ended at a page's end (another writer kept writing).")


@pytest.fixture(scope="module")
def replica(django_db_setup):
    """A streaming replica of the test's primary, copied once the test database exists; stopped at the end."""
    with psycopg.connect(_primary_url("postgres"), autocommit=True) as conn:
        wal_level = conn.execute("SHOW wal_level").fetchone()[0]
    if wal_level == "minimal":
        pytest.fail("The test's PostgreSQL runs with wal_level=minimal: a replica needs 'replica' (the default).")
    server = StreamingReplica()
    try:
        server.create()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def replica_alias_added(replica):
    """The "replica" alias on the replica's copy of the test database, as settings.py would add it.

    Module-scoped so it exists before each test's database setup, which checks the aliases a test names
    (`databases`); as a mirror of "default" it is never flushed after a test.
    """
    config = copy.deepcopy(_primary())  # Already named after the test database.
    config.update(HOST="127.0.0.1", PORT=str(replica.port))
    config["TEST"] = {**config["TEST"], "MIRROR": "default"}
    # Django reads DATABASES once into `connections.settings` and builds each thread's connection from
    # it on first use: an alias added there is what every thread (the live server's too) sees. Relies on
    # ConnectionHandler.settings; this module breaks if that changes.
    connections.settings[REPLICA] = config
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        with contextlib.suppress(AttributeError):
            del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica_routing(replica, replica_alias_added, transactional_db, settings):
    """The router installed and a fresh verdict about the replica, for one test; replay resumed after."""
    settings.DATABASE_ROUTERS = ["marketplace.common.replica.ReplicaRouter"]
    settings.DATABASE_REPLICA_MAX_LAG = 5.0
    forget_replica_health()
    try:
        yield replica
    finally:
        replica.resume()
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        forget_replica_health()


def _page(server, path: str) -> str:
    with urllib.request.urlopen(server.url + path, timeout=20) as response:  # noqa: S310 (the test's own server)
        assert response.status == 200
        return response.read().decode()


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == REPLICA_LOGGER and r.levelno >= logging.WARNING]


@replica_db
def test_a_write_goes_to_the_primary_even_from_a_row_read_on_the_replica(replica_routing):
    profile = FreelancerProfileFactory(headline="Graphiste à Kamouraska")
    replica_routing.wait_caught_up()
    with reads_from_replica():
        loaded = FreelancerProfile.objects.get(pk=profile.pk)
    assert loaded._state.db == REPLICA
    replica_routing.pause()

    with reads_from_replica():
        loaded.headline = "Illustratrice à La Pocatière"
        loaded.save(update_fields=["headline"])

    assert FreelancerProfile.objects.using("default").get(pk=profile.pk).headline == "Illustratrice à La Pocatière"
    assert FreelancerProfile.objects.using(REPLICA).get(pk=profile.pk).headline == "Graphiste à Kamouraska"


@replica_db
def test_a_read_inside_a_transaction_stays_on_the_primary_and_sees_its_writes(replica_routing):
    profile = FreelancerProfileFactory(headline="Graphiste à Kamouraska")
    replica_routing.wait_caught_up()

    with transaction.atomic(), reads_from_replica():
        FreelancerProfile.objects.filter(pk=profile.pk).update(headline="Traductrice à Rivière-du-Loup")
        assert replica_alias() == "default"
        assert FreelancerProfile.objects.get(pk=profile.pk).headline == "Traductrice à Rivière-du-Loup"


@replica_db
def test_visitors_read_public_pages_and_search_from_the_replica_members_from_the_primary(
    replica_routing, asgi_server, client, settings
):
    # The bound is not what this test checks: room for a slow machine between the pause and the reads.
    settings.DATABASE_REPLICA_MAX_LAG = 60.0
    owner = UserFactory()
    project = ProjectFactory(owner=owner, title="Cabane à sucre Tremblay")
    profile = FreelancerProfileFactory(headline="Ébéniste à Saint-Jean-Port-Joli")
    replica_routing.wait_caught_up()
    replica_routing.pause()
    Project.objects.filter(pk=project.pk).update(title="Érablière Gagnon")
    FreelancerProfile.objects.filter(pk=profile.pk).update(headline="Sculptrice à L'Islet")

    project_page = _page(asgi_server, reverse("project-detail", args=[project.pk]))
    profile_page = _page(asgi_server, reverse("freelancer-detail", args=[profile.pk]))
    list_page = _page(asgi_server, reverse("project-list"))
    found_old = project_search(params=ProjectSearchParams(q="Tremblay"), backend="database")
    found_new = project_search(params=ProjectSearchParams(q="Gagnon"), backend="database")

    # Visitors: the replica's copy, from before the pause.
    assert "Cabane à sucre Tremblay" in project_page and "Érablière Gagnon" not in project_page
    assert "Ébéniste à Saint-Jean-Port-Joli" in profile_page and "Sculptrice" not in profile_page
    assert "Cabane à sucre Tremblay" in list_page and "Érablière Gagnon" not in list_page
    # Search answered by the database reads the replica too.
    assert [hit.id for hit in found_old.hits] == [project.pk]
    assert found_new.total == 0
    # A signed-in member reads the primary: their own write right after making it.
    client.force_login(owner)
    assert "Érablière Gagnon" in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Sculptrice à L&#x27;Islet" in client.get(reverse("freelancer-detail", args=[profile.pk])).content.decode()


@replica_db
def test_the_project_list_falls_back_to_the_primary_once_the_replica_lags_past_the_bound(
    replica_routing, asgi_server, settings, caplog
):
    caplog.set_level(logging.INFO, logger=REPLICA_LOGGER)
    # Room for a loaded machine between the pause and the next read; the fallback waits that long.
    settings.DATABASE_REPLICA_MAX_LAG = 8.0
    _page(asgi_server, reverse("about"))  # A warm server: the first request compiles templates.
    project = ProjectFactory(title="Cabane à sucre Tremblay")
    replica_routing.wait_caught_up()
    started = time.monotonic()
    # A visitor reads the list while the replica is caught up: the check notes the primary's position then.
    assert "Cabane à sucre Tremblay" in _page(asgi_server, reverse("project-list"))
    replica_routing.pause()
    Project.objects.filter(pk=project.pk).update(title="Érablière Gagnon")

    within_bound = _page(asgi_server, reverse("project-list"))
    assert time.monotonic() - started < 8.0, "The machine was too slow to read within the bound."
    assert "Cabane à sucre Tremblay" in within_bound and "Érablière Gagnon" not in within_bound

    while "Érablière Gagnon" not in _page(asgi_server, reverse("project-list")):
        assert time.monotonic() - started < 30, "The page never fell back to the primary."
        time.sleep(0.3)
    for _ in range(3):
        assert "Érablière Gagnon" in _page(asgi_server, reverse("project-list"))

    # One line for the whole episode, however many pages were read, once the lag passed the bound.
    warnings = _warnings(caplog)
    assert len(warnings) == 1
    lag = float(
        re.match(r"Database replica ([0-9.]+) s behind \(bound 8.0 s\); reads go to the primary", warnings[0])[1]
    )
    assert lag > 8.0

    replica_routing.resume()
    replica_routing.wait_caught_up()
    wait_until(lambda: replica_alias() == REPLICA, timeout=10, what="reads to go back to the replica")


@replica_db
def test_a_stopped_replica_leaves_public_pages_to_the_primary(replica_routing, asgi_server, caplog):
    caplog.set_level(logging.INFO, logger=REPLICA_LOGGER)
    project = ProjectFactory(title="Cabane à sucre Tremblay")
    replica_routing.wait_caught_up()
    assert replica_alias() == REPLICA
    try:
        replica_routing.stop()
        Project.objects.filter(pk=project.pk).update(title="Érablière Gagnon")

        for path in (reverse("project-list"), reverse("project-detail", args=[project.pk]), reverse("home")):
            assert "Érablière Gagnon" in _page(asgi_server, path)
        assert "Érablière Gagnon" in _page(asgi_server, reverse("project-list"))

        warnings = _warnings(caplog)
        assert len(warnings) == 1
        assert warnings[0].startswith("Database replica unreachable (")
    finally:
        replica_routing.start()


@replica_db
def test_an_idle_primary_whose_wal_ends_at_a_page_end_leaves_visitors_on_the_replica(replica_routing, settings):
    # Its insert position then stays past what the replica can replay until the next write: an idle site
    # must not look "behind" all that time.
    settings.DATABASE_REPLICA_MAX_LAG = 2.0
    ProjectFactory(title="Cabane à sucre Tremblay")  # The latest commit replayed, soon older than the bound.
    with psycopg.connect(_primary_url("postgres"), autocommit=True) as conn:
        for _attempt in range(3):
            page_end = _wal_end_at_a_page_end(conn)
            replica_routing.wait_replayed(f"{page_end >> 32:X}/{page_end & 0xFFFFFFFF:X}")
            time.sleep(2.5)
            forget_replica_health()
            alias = replica_alias()
            insert, flush = conn.execute("SELECT pg_current_wal_insert_lsn(), pg_current_wal_flush_lsn()").fetchone()
            if _lsn(flush) == page_end and _lsn(insert) > page_end:
                break  # Nothing else was written meanwhile: the check saw the WAL as it was left.
        else:
            pytest.fail("Something else kept writing to the primary's WAL.")

    assert alias == REPLICA
    with reads_from_replica():
        assert Project.objects.get(title="Cabane à sucre Tremblay")._state.db == REPLICA


def test_settings_build_the_replica_alias_like_the_primary(replica, django_db_setup):
    """settings.py from DATABASE_REPLICA_URL, in a fresh process, against the running replica."""
    database = _primary()["NAME"]
    code = (
        "import django\ndjango.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth.models import AnonymousUser\n"
        "from marketplace.common.replica import replica_alias\n"
        "from projects.selectors import project_list_open\n"
        "default, replica = settings.DATABASES['default'], settings.DATABASES['replica']\n"
        "print(settings.DATABASE_ROUTERS)\n"
        "print(replica['PORT'], replica['NAME'] == default['NAME'], replica['TEST']['MIRROR'])\n"
        "print(replica['OPTIONS'] == default['OPTIONS'], replica['CONN_MAX_AGE'] == default['CONN_MAX_AGE'])\n"
        # A first check may find the replica a few bytes behind, undated: the next one (a second later) dates it.
        "import time\n"
        "for _ in range(40):\n"
        "    if replica_alias() == 'replica':\n"
        "        break\n"
        "    time.sleep(0.25)\n"
        "print(replica_alias(), project_list_open(viewer=AnonymousUser()).db, project_list_open().db)\n"
    )
    env = process_env(
        database_url=_primary_url(database),
        DATABASE_REPLICA_URL=replica.url(database),
        DATABASE_CONNECT_TIMEOUT="3",
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "['marketplace.common.replica.ReplicaRouter']",
        f"{replica.port} True default",
        "True True",
        "replica replica default",
    ]


@pytest.mark.embedded
def test_a_replica_of_sqlite_is_refused_at_start():
    env = process_env(database_url="sqlite:///var/never.sqlite3", DATABASE_REPLICA_URL="postgres://db-replica/x")
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL names a PostgreSQL streaming replica of a PostgreSQL DATABASE_URL" in done.stderr
