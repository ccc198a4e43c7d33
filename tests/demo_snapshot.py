"""The `demo` fixture's data on SQLite: load_demo runs once per test session into the test
database, which is copied to a snapshot file (sqlite3 backup API) and then put back as it was;
each `demo` test gets an exact copy of the snapshot's rows (in its own transaction, so a plain
`db` test rolls it back and a transactional test's flush clears it) and of the files load_demo
wrote, in a fraction of a second instead of a full load.

Two kinds of snapshot, each built the first time a test needs it, as the per-test load gave them:

- ``db``: for tests inside a transaction that is rolled back. load_demo ran inside it, so the
  on_commit callbacks it queued never ran; the snapshot is loaded in one transaction whose
  callbacks are dropped before it commits.
- ``transactional``: for transactional tests (live servers, workers); load_demo ran in autocommit
  and its on_commit callbacks ran.

The demo's times are relative to when it was loaded (callbacks due, "today"), so a snapshot is
rebuilt when the site's date has changed or it is older than ``MAX_AGE``.
"""

import datetime
import io
import shutil
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS
from django.db.backends.signals import connection_created

MAX_AGE = datetime.timedelta(minutes=30)
LOAD_DEMO = dict(responses=400, quiet_logins=True, reach_history=False)


def load_demo():
    from django.core.management import call_command

    call_command("load_demo", **LOAD_DEMO, stdout=io.StringIO())


def _backup(source, target):
    """Copy the whole ``source`` database into ``target`` (sqlite3 connections or file paths)."""
    opened = []
    try:
        if not isinstance(source, sqlite3.Connection):
            source = sqlite3.connect(source)
            opened.append(source)
        if not isinstance(target, sqlite3.Connection):
            target = sqlite3.connect(target)
            opened.append(target)
        source.backup(target)
    finally:
        for connection in opened:
            connection.close()


def _attached(cursor):
    cursor.execute("PRAGMA database_list")
    return {row[1] for row in cursor.fetchall()}


def forget_caches():
    """What the process remembers of the database it no longer has."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from npshub.reach import recorder

    ContentType.objects.clear_cache()
    cache.clear()
    recorder.reset()


class _AsInATest:
    """What the autouse fixtures of tests/conftest.py give a test, around a build: its own files,
    Celery tasks inline, visits flushed by hand, the default language, an empty cache."""

    def __init__(self, folder):
        from django.test import override_settings

        self.override = override_settings(
            MEDIA_ROOT=folder / "media", PRIVATE_MEDIA_ROOT=folder / "private",
            EMAIL_FILE_PATH=str(folder / "outbox"), REACH_FLUSH_SECONDS=0,
        )

    def __enter__(self):
        from django.conf import settings
        from django.utils import translation

        from npshub import celery_app

        self.override.enable()
        self.language = translation.get_language()
        translation.activate(settings.LANGUAGE_CODE)
        self.eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        forget_caches()

    def __exit__(self, *exc):
        from django.utils import translation

        from npshub import celery_app

        celery_app.conf.task_always_eager = self.eager
        translation.activate(self.language)
        self.override.disable()


class Snapshot:
    """One loaded demo: a database file, the files beside it, and what a copy needs to know."""

    def __init__(self, kind, folder, schema):
        self.kind, self.folder, self.schema = kind, folder, schema
        self.database = folder / "demo.sqlite3"
        self.built_at = None
        self.built_on = None
        self.tables = []  # (name, "col, col..."): every table with rows to copy
        self.triggers = []  # (name, sql)
        self.sequence = False  # whether there is an sqlite_sequence (AUTOINCREMENT) to copy

    def fresh(self):
        from django.utils import timezone

        return timezone.localdate() == self.built_on and timezone.now() - self.built_at < MAX_AGE

    def build(self, connection, base):
        """Load the demo into the test database as ``base`` holds it (the freshly migrated one),
        copy the result to ``self.database``, put the test database back as it was. Outside any
        transaction."""
        from django.db import transaction
        from django.utils import timezone

        if connection.in_atomic_block:
            raise RuntimeError("The demo snapshot must be built before the test's transaction starts: "
                               "request the `demo` fixture before anything that opens it.")
        self.folder.mkdir(parents=True)
        clean = self.folder / "clean.sqlite3"
        connection.ensure_connection()
        _backup(connection.connection, clean)
        _backup(base, connection.connection)
        self.built_at, self.built_on = timezone.now(), timezone.localdate()
        try:
            with _AsInATest(self.folder):
                if self.kind == "transactional":
                    load_demo()
                else:
                    with transaction.atomic():
                        load_demo()
                        connection.run_on_commit = []  # a rolled-back test never runs them
            _backup(connection.connection, self.database)
        finally:
            _backup(clean, connection.connection)
            clean.unlink()
            forget_caches()
        self._describe()

    def _describe(self):
        with closing(sqlite3.connect(self.database)) as snapshot:
            rows = snapshot.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
            virtual = [name for kind, name, sql in rows if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")]
            for kind, name, sql in rows:
                if kind == "trigger":
                    self.triggers.append((name, sql))
                # A virtual table's own tables (FTS5's name_data, name_idx...) follow its rows.
                if kind != "table" or any(name.startswith(f"{table}_") for table in virtual):
                    continue
                columns = [row[1] for row in snapshot.execute(f'PRAGMA table_info("{name}")')]
                if name in virtual:
                    columns.insert(0, "rowid")
                self.tables.append((name, ", ".join(f'"{column}"' for column in columns)))
            self.sequence = bool(snapshot.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone())

    def attach(self, connection):
        """ATTACH the snapshot to ``connection`` unless it is: False when it cannot (SQLite
        refuses inside a transaction)."""
        connection.ensure_connection()
        with connection.cursor() as cursor:
            if self.schema in _attached(cursor):
                return True
            if connection.in_atomic_block:
                return False
            cursor.execute(f"ATTACH DATABASE %s AS {self.schema}", [str(self.database)])
        return True

    def detach(self, connection):
        if connection.connection is None or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            if self.schema in _attached(cursor):
                cursor.execute(f"DETACH DATABASE {self.schema}")

    def copy_into(self, connection, settings):
        """Replace every row of the test database with the snapshot's (triggers off meanwhile:
        the copied rows already hold what they wrote), and copy the demo's files into the test's
        own folders."""
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            for name, _sql in self.triggers:
                cursor.execute(f'DROP TRIGGER main."{name}"')
            for name, columns in self.tables:
                cursor.execute(f'DELETE FROM main."{name}"')
                cursor.execute(f'INSERT INTO main."{name}" ({columns}) SELECT {columns} FROM {self.schema}."{name}"')
            if self.sequence:
                cursor.execute("DELETE FROM main.sqlite_sequence")
                cursor.execute(f"INSERT INTO main.sqlite_sequence SELECT * FROM {self.schema}.sqlite_sequence")
            for _name, sql in self.triggers:
                cursor.execute(sql)
        for folder, target in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT),
                               ("outbox", settings.EMAIL_FILE_PATH)):
            if (self.folder / folder).exists():
                shutil.copytree(self.folder / folder, Path(target), dirs_exist_ok=True)
        forget_caches()


class Snapshots:
    """The session's snapshots, one per kind of test. Each connection the test thread opens to
    the test database gets them attached (ATTACH cannot run inside the test's transaction)."""

    def __init__(self, root, connection):
        """``connection``: to the freshly migrated test database, which every build starts from
        (as `make run` loads the demo into a migrated database), whatever the tests did before."""
        self.root = Path(root)
        self.current = {}
        self.builds = 0
        self.base = self.root / "migrated.sqlite3"
        connection.ensure_connection()
        _backup(connection.connection, self.base)
        connection_created.connect(self._attach_all, dispatch_uid="tests.demo_snapshot")

    def close(self):
        connection_created.disconnect(dispatch_uid="tests.demo_snapshot")

    def _attach_all(self, sender, connection, **kwargs):
        if connection.alias == DEFAULT_DB_ALIAS and threading.current_thread() is threading.main_thread():
            for snapshot in self.current.values():
                snapshot.attach(connection)

    def get(self, kind, connection):
        """The snapshot for ``kind``, built (or rebuilt when stale) if need be and attached to
        ``connection``; None when it is stale or missing and the test's transaction has already
        started (the caller then loads the demo the slow way)."""
        snapshot = self.current.get(kind)
        if snapshot is None or not snapshot.fresh():
            if connection.in_atomic_block:
                return None
            if snapshot is not None:
                snapshot.detach(connection)
            self.builds += 1
            snapshot = Snapshot(kind, self.root / f"{kind}-{self.builds}", schema=f"demo_{kind}")
            snapshot.build(connection, self.base)
            self.current[kind] = snapshot
        return snapshot if snapshot.attach(connection) else None
