"""The start-up self-check against the live database (O-01), and the engine's fork guard.

`examapp.config.check_production` refuses what the settings alone show; this module asks the database
itself, once, when a production app is built: SQLite must be in WAL mode with a busy timeout of at least
5 s on a local disk, PostgreSQL must cut statements off before gunicorn kills the worker. The connection is
closed again, so a gunicorn master (`--preload`) keeps none for its workers to share.
"""

import logging
import os
import weakref

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from ..config import ConfigError

log = logging.getLogger("examapp.ops")

MIN_BUSY_TIMEOUT_MS = 5000
NETWORK_FILESYSTEMS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre",
                       "gpfs", "fuse.sshfs", "fuse.s3fs", "fuse.glusterfs", "fuse.cephfs", "davfs")
MOUNTS = "/proc/self/mounts"

_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _drop_inherited_connections() -> None:
    """In a forked child, forget (never close) the parent's pooled connections: SQLAlchemy's fork advice."""
    for engine in list(_engines):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_connections)


def guard_fork(engine: Engine) -> None:
    """Make a fork of this process (a gunicorn worker) open its own connections, never share the parent's."""
    _engines.add(engine)


def mount_type(path: str) -> str:
    """Return the file system type of the mount holding `path` ('' if unknown)."""
    target = os.path.realpath(path)
    best, kind = "", ""
    try:
        with open(MOUNTS, encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                if len(fields) < 3:
                    continue
                point = fields[1].replace("\\040", " ")
                inside = target == point or target.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best):
                    best, kind = point, fields[2]
    except OSError:
        return ""
    return kind


def check_sqlite_file(path: str) -> None:
    """Refuse a SQLite file on a network file system: its locks are not reliable there (sqlite.org/wal.html)."""
    kind = mount_type(os.path.dirname(os.path.abspath(path)))
    if kind in NETWORK_FILESYSTEMS or kind.startswith(("nfs", "fuse.sshfs")):
        raise ConfigError(f"DATABASE_URL 的 SQLite 文件 {path} 位于网络文件系统（{kind}）上：SQLite 的锁在网络"
                          "文件系统上不可靠，可能损坏数据库。请放在本机磁盘上，或改用 PostgreSQL。")


def check_database(engine: Engine, worker_timeout: float) -> None:
    """Ask the database for the settings O-01 names; raise ConfigError naming the first wrong one.

    An unreachable database is logged, not refused: a worker started while PostgreSQL restarts must come
    up and answer 503 until it is back, not stop gunicorn.
    """
    if engine.dialect.name == "sqlite" and engine.url.database:
        check_sqlite_file(engine.url.database)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                check_sqlite(connection)
            elif engine.dialect.name == "postgresql":
                check_postgresql(connection, worker_timeout)
    except OperationalError as exc:
        log.warning("启动自检：暂时连不上数据库，数据库设置留待下次启动再查（%s）", exc.orig)
    finally:
        engine.dispose()


def check_sqlite(connection) -> None:
    mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    if str(mode).lower() != "wal":
        raise ConfigError(f"SQLite 数据库的日志模式是 {mode}，不是 WAL：考生同时交卷时会互相阻塞，断电时"
                          "也不如 WAL 可靠。请确认数据库文件所在的磁盘支持 WAL（本机磁盘，不是网络文件系统）。")
    busy = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
    if busy < MIN_BUSY_TIMEOUT_MS:
        raise ConfigError(f"SQLite 的 busy_timeout 只有 {busy} 毫秒（至少 {MIN_BUSY_TIMEOUT_MS}）：写入稍一拥挤，"
                          "考生就会看到“数据库被锁定”。")


def check_postgresql(connection, worker_timeout: float) -> None:
    text = connection.exec_driver_sql("SHOW statement_timeout").scalar()
    milliseconds = connection.exec_driver_sql(
        "SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'").scalar()
    if not 0 < milliseconds < worker_timeout * 1000:
        raise ConfigError(f"PostgreSQL 的 statement_timeout 是 {text}，须大于 0 且小于 WORKER_TIMEOUT_SECONDS"
                          f"（{worker_timeout:g} 秒，即 gunicorn 的 --timeout）：否则一条卡住的语句会让工作进程被"
                          "强行结束，而语句仍在数据库里运行。请检查 DATABASE_URL 里的 options 或数据库角色的设置。")
