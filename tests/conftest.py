"""Shared fixtures: real database (SQLite file or PostgreSQL), real Celery worker processes and
real ASGI servers where a test asks for them. Run through `make test`, which sets SECRET_KEY and
a fresh NPSHUB_VAR_DIR."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from npshub import celery_app

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")


@pytest.fixture(autouse=True)
def _visits_flushed_by_hand(settings):
    """Visits are buffered per process; tests write them with npshub.reach.recorder.flush()
    instead of a background thread (servers a test starts get REACH_FLUSH_SECONDS in their env)."""
    from npshub.reach import recorder

    settings.REACH_FLUSH_SECONDS = 0
    recorder.reset()


def pytest_collection_modifyitems(items):
    for item in items:
        if "demo" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.demo)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language and leaves it so: a view or test that
    activates Russian must not make the next test (in any order) read Russian."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: with REDIS_URL the cache outlives the test and is
    shared with the servers and workers tests start (cached picker values, leaderboards...)."""
    from django.core.cache import cache

    cache.clear()


def _transactional(request):
    return _is_transactional(request.node, request.fixturenames)


def _is_transactional(node, fixturenames):
    marker = node.get_closest_marker("django_db")
    return (
        "transactional_db" in fixturenames
        or "live_server" in fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _wagtail_roots(request):
    """A transactional test starts from a database the previous one flushed: give it back what
    Wagtail's migrations create (locales, root page, root collection), as a real install has, and
    the roles' permissions on them (the flush's post_migrate found no root collection to grant on)."""
    if _transactional(request):
        request.getfixturevalue("transactional_db")
        from content.pages import ensure_wagtail_roots
        from npshub.people import roles

        ensure_wagtail_roots()
        roles.ensure_groups()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run inline, except in tests marked ``worker``, which get a real worker process."""
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


def database_url():
    """The URL of the test database, for processes started by a test."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(**extra):
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url(), CELERY_TASK_ALWAYS_EAGER="0", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_worker(log_path, extra_args=(), **env):
    """Start a real Celery worker on the test database (``env`` added to its environment);
    returns the Popen once it answers."""
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(BIN / "celery"), "-A", "npshub", "worker", "--loglevel=info", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", *extra_args],
        cwd=ROOT, env=process_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited: {Path(log_path).read_text()[-3000:]}")
        try:
            celery_app.send_task("npshub.ping").get(timeout=2)
            return process
        except Exception:
            continue
    _stop(process)
    raise RuntimeError(f"Celery worker did not answer in 60 s: {Path(log_path).read_text()[-3000:]}")


def start_beat(tmp_path, **env):
    """Start a real `celery beat` process (its own schedule file) with ``env`` added."""
    log = open(tmp_path / "beat.log", "w")
    return subprocess.Popen(
        [str(BIN / "celery"), "-A", "npshub", "beat", "--loglevel=info", "-s", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=process_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )


def stop_process(process):
    _stop(process)


def wait_for_file(process, path, what, timeout=60, log=None):
    """Wait until a helper process writes ``path`` (its "ready" file); fail with its log if it dies."""
    deadline = time.monotonic() + timeout
    while not Path(path).exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            tail = Path(log).read_text()[-3000:] if log and Path(log).exists() else ""
            raise RuntimeError(f"{what} did not start. {tail}")
        time.sleep(0.05)


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process sharing the test database and the broker."""
    process = start_worker(tmp_path / "worker.log")
    yield process
    _stop(process)


def start_asgi(log_path, port=None, **env):
    """The project served by uvicorn (ASGI) on ``port`` (a free one by default), on the test
    database, with ``env`` added to its environment; returns (url, Popen) once it accepts."""
    port = port or free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(BIN / "uvicorn"), "npshub.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=process_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90  # a loaded 2-core machine can take long to import every app
    while True:
        if process.poll() is not None:
            raise RuntimeError(Path(log_path).read_text()[-3000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"uvicorn did not accept connections within 90 s: {Path(log_path).read_text()[-3000:]}")
            time.sleep(0.1)
    return f"http://127.0.0.1:{port}", process


@pytest.fixture
def asgi_server(transactional_db, tmp_path):
    """The project served by uvicorn (ASGI) on a free port, on the test database."""
    url, process = start_asgi(tmp_path / "uvicorn.log")
    yield url
    _stop(process)


@pytest.fixture(scope="session", autouse=True)
def _demo_snapshots(request, tmp_path_factory):
    """SQLite, when the session has `demo` tests: the demo loaded once into the freshly migrated
    test database (before any test can change it), for each kind of test (rolled back or
    transactional) those tests need; see tests/demo_snapshot.py. None otherwise."""
    items = [item for item in request.session.items if "demo" in getattr(item, "fixturenames", ())]
    if not items:
        yield None
        return
    request.getfixturevalue("django_db_setup")
    from django.db import connection

    if connection.vendor != "sqlite":
        yield None
        return
    from tests.demo_snapshot import Snapshots

    with request.getfixturevalue("django_db_blocker").unblock():
        snapshots = Snapshots(tmp_path_factory.mktemp("demo"), connection)
        for kind in sorted({"transactional" if _is_transactional(item, item.fixturenames) else "db" for item in items}):
            snapshots.get(kind, connection)
    yield snapshots
    snapshots.close()


@pytest.fixture(autouse=True)
def _demo_data(request, _isolated_files, _visits_flushed_by_hand, _default_language, _fresh_cache,
               _wagtail_roots, _eager_celery):
    """The `demo` fixture's work, before any other fixture of the test can add rows (autouse,
    after the other autouse ones): on SQLite, the session's snapshot copied into the test's
    database and media folders; on PostgreSQL (or if a snapshot went stale and cannot be rebuilt
    inside the test's transaction), load_demo itself."""
    if "demo" not in request.fixturenames:
        yield
        return
    from django.db import connection

    from tests import demo_snapshot

    snapshots, snapshot = request.getfixturevalue("_demo_snapshots"), None
    if snapshots is not None:
        with request.getfixturevalue("django_db_blocker").unblock():
            snapshot = snapshots.get("transactional" if _transactional(request) else "db", connection)
    request.getfixturevalue("db")
    if snapshot is None:
        demo_snapshot.load_demo()
        yield
        return
    snapshot.copy_into(connection, settings)
    yield
    demo_snapshot.forget_caches()  # the snapshot's content type ids need not be the clean database's


@pytest.fixture
def demo(db, _demo_data):
    """The demo company, pages and a few hundred responses, as `make run` loads them (with
    `responses=400, quiet_logins=True, reach_history=False`); `_demo_data` does the work."""
