"""Two examapp app servers behind nginx on one database, with Redis as the shared rate-limit storage.

It serves with the files shipped in deploy/: the nginx site (deploy/nginx/examapp.conf, rendered with local
ports and paths) and the gunicorn command of deploy/systemd/examapp@.service, so what is tested
(tests/reliability/test_scaleout.py) is what is shipped. nginx runs in the foreground with its own prefix in a
temporary folder; /etc/nginx and the system's nginx service are not touched.

    python deploy/scaleout.py serve [--port 5180]     # DATABASE_URL, RATELIMIT_STORAGE_URI from the environment
    python deploy/scaleout.py nginx-site --server-name xuefa.example.gov.cn > /etc/nginx/sites-available/examapp
"""

import argparse
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SITE_TEMPLATE = DEPLOY / "nginx" / "examapp.conf"
APP_UNIT = DEPLOY / "systemd" / "examapp@.service"
TIMER_UNITS = tuple(DEPLOY / "systemd" / f"examapp-{job}.service" for job in ("close-overdue", "sweep-uploads"))
UNIT_VENV_BIN = "/srv/examapp/.venv/bin/"  # where the units expect the virtualenv (README "Deployment")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

PRODUCTION_SITE = {  # deploy/nginx/examapp.conf as installed on a Debian server next to the two units
    "SERVER_NAME": "xuefa.example.gov.cn", "HTTP_PORT": "80", "HTTPS_PORT": "443",
    "APP_1": "127.0.0.1:8001", "APP_2": "127.0.0.1:8002",
    "TLS_CERTIFICATE": "/etc/ssl/certs/xuefa.example.gov.cn.pem",
    "TLS_CERTIFICATE_KEY": "/etc/ssl/private/xuefa.example.gov.cn.key",
    "ACCESS_LOG": "/var/log/nginx/examapp.access.log",
}


def static_root() -> str:
    """The static folder of the examapp package this Python sees (site-packages or a checkout), else this checkout's."""
    spec = find_spec("examapp")
    package = Path(spec.submodule_search_locations[0]) if spec else ROOT / "examapp"
    return str(package / "static")


def render_site(values: dict) -> str:
    """deploy/nginx/examapp.conf with every @NAME@ replaced; refuse a placeholder left without a value."""
    text = SITE_TEMPLATE.read_text(encoding="utf-8")
    values = {"STATIC_ROOT": static_root(), **values}
    text = re.sub(r"@([A-Z0-9_]+)@", lambda m: str(values.get(m.group(1), m.group(0))), text)
    missing = sorted(set(re.findall(r"@([A-Z0-9_]+)@", text)))
    if missing:
        raise ValueError(f"nginx 配置模板缺少这些值：{', '.join(missing)}")
    return text


def unit_command(unit: Path, port: int | None = None) -> list[str]:
    """A unit's ExecStart, with the virtualenv it names replaced by the one running this script."""
    line = next(li for li in unit.read_text(encoding="utf-8").splitlines() if li.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart=").replace("%i", str(port or "")))
    here = Path(sys.executable).parent
    return [str(here / c.removeprefix(UNIT_VENV_BIN)) if c.startswith(UNIT_VENV_BIN) else c for c in command]


def main_nginx_conf(prefix: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, with every path inside `prefix`."""
    return f"""daemon off;
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "tls.pem", folder / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def missing_tools() -> str | None:
    """Why the scale-out cannot run here, or None."""
    if not Path(NGINX).exists():
        return "没有 nginx（Debian：apt-get install nginx）"
    if shutil.which("openssl") is None:
        return "没有 openssl（生成测试用证书）"
    if not Path(sys.executable).with_name("gunicorn").exists() and shutil.which("gunicorn") is None:
        return "没有 gunicorn（pip install '.[deploy]'）"
    if find_spec("redis") is None:
        return "没有 Redis 客户端（pip install '.[deploy]'）"
    return None


def redis_reachable(uri: str) -> bool:
    import redis

    with contextlib.suppress(Exception):
        return bool(redis.Redis.from_url(uri, socket_connect_timeout=2).ping())
    return False


def wait_for(url: str, process: subprocess.Popen, what: str, seconds: float = 120) -> None:
    context = ssl._create_unverified_context()  # our own certificate, made a moment ago
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} 启动失败（退出码 {process.returncode}）")
        try:
            with urllib.request.urlopen(url, timeout=5, context=context):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"{what} 在 {seconds:.0f} 秒内没有应答")


class ScaleOut:
    """nginx on `port` (HTTPS) and `port + 1` (HTTP, redirects), app servers on `port + 2` and `port + 3`."""

    def __init__(self, database_url: str, redis_url: str, port: int = 5180, key_prefix: str = "examapp"):
        self.database_url, self.redis_url, self.port, self.key_prefix = database_url, redis_url, port, key_prefix
        self.app_ports = [port + 2, port + 3]
        self.secret = secrets.token_hex(32)  # one SECRET_KEY for both: either verifies the other's cookies
        self.folder = Path(tempfile.mkdtemp(prefix="examapp-scaleout-"))
        self.apps: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.logs: list = []

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def app_env(self) -> dict:
        return {**os.environ, "EXAMAPP_ENV": "production", "SECRET_KEY": self.secret, "DATABASE_URL": self.database_url,
                "RATELIMIT_STORAGE_URI": self.redis_url, "RATELIMIT_KEY_PREFIX": self.key_prefix,
                "TRUSTED_PROXIES": "1", "PUBLIC_BASE_URL": self.base, "PYTHONPATH": str(ROOT)}

    def start_app(self, index: int) -> None:
        port = self.app_ports[index]
        log = open(self.folder / f"app-{port}.log", "a")  # noqa: SIM115 (closed in stop)
        self.logs.append(log)
        process = subprocess.Popen(unit_command(APP_UNIT, port), cwd=ROOT, env=self.app_env(), stdout=log,
                                   stderr=subprocess.STDOUT)
        self.apps[index] = process
        wait_for(f"http://127.0.0.1:{port}/healthz", process, f"应用服务器 {port}")

    def stop_app(self, index: int) -> None:
        process = self.apps.pop(index, None)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # what systemctl stop does: gunicorn finishes its requests
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def site_values(self) -> dict:
        cert, key = self_signed_certificate(self.folder)
        return {"SERVER_NAME": "127.0.0.1 localhost", "HTTP_PORT": f"127.0.0.1:{self.port + 1}",
                "HTTPS_PORT": f"127.0.0.1:{self.port}", "APP_1": f"127.0.0.1:{self.app_ports[0]}",
                "APP_2": f"127.0.0.1:{self.app_ports[1]}", "TLS_CERTIFICATE": cert, "TLS_CERTIFICATE_KEY": key,
                "ACCESS_LOG": self.access_log}

    def start_nginx(self) -> None:
        site = self.folder / "examapp.conf"
        site.write_text(render_site(self.site_values()), encoding="utf-8")
        conf = self.folder / "nginx.conf"
        conf.write_text(main_nginx_conf(self.folder, site), encoding="utf-8")
        command = [NGINX, "-p", str(self.folder), "-e", str(self.folder / "error.log"), "-c", str(conf)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx 配置有误：\n{checked.stderr}")
        log = open(self.folder / "nginx.out", "a")  # noqa: SIM115 (closed in stop)
        self.logs.append(log)
        self.nginx = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_for(f"{self.base}/healthz", self.nginx, "nginx")

    def start(self) -> "ScaleOut":
        if not redis_reachable(self.redis_url):
            raise RuntimeError(f"连不上 Redis（{self.redis_url}）")
        try:
            for index in range(len(self.app_ports)):
                self.start_app(index)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def log_text(self) -> str:
        return "".join(path.read_text(errors="replace") for path in sorted(self.folder.glob("app-*.log")))

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.nginx.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for index in list(self.apps):
            self.stop_app(index)
        for log in self.logs:
            log.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "ScaleOut":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(args) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("请把 DATABASE_URL 设为 PostgreSQL 数据库：多台应用服务器共用一个 PostgreSQL。")
        return 2
    reason = missing_tools()
    if reason:
        print(f"无法启动：{reason}。")
        return 2
    redis_url = os.environ.get("RATELIMIT_STORAGE_URI") or "redis://127.0.0.1:6379/0"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    flask = str(Path(sys.executable).with_name("flask"))
    subprocess.run([flask, "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    with ScaleOut(url, redis_url, port=args.port) as cluster:
        print(f"已启动：{cluster.base}/ （nginx，自签名证书），应用服务器 127.0.0.1:{cluster.app_ports[0]} 和 "
              f"127.0.0.1:{cluster.app_ports[1]}，限流存储 {redis_url}。按 Ctrl-C 停止。")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    print("已停止。")
    return 0


def nginx_site(args) -> int:
    values = {**PRODUCTION_SITE, "SERVER_NAME": args.server_name}
    if args.static_root:
        values["STATIC_ROOT"] = args.static_root
    if args.app:
        values.update({f"APP_{i}": a for i, a in enumerate(args.app, start=1)})
    sys.stdout.write(render_site(values))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="examapp 横向扩展：nginx + 两台应用服务器 + Redis")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="在本机启动 nginx 和两台应用服务器（测试、演示用）")
    run.add_argument("--port", type=int, default=5180, help="nginx 的 HTTPS 端口；其后三个端口也会用到")
    site = sub.add_parser("nginx-site", help="输出生产用的 nginx 站点配置")
    site.add_argument("--server-name", default=PRODUCTION_SITE["SERVER_NAME"])
    site.add_argument("--app", action="append", help="应用服务器地址，两次：127.0.0.1:8001 和 127.0.0.1:8002")
    site.add_argument("--static-root", help="静态文件目录（默认：已安装的 examapp/static）")
    args = parser.parse_args(argv)
    return serve(args) if args.command == "serve" else nginx_site(args)


if __name__ == "__main__":
    sys.exit(main())
