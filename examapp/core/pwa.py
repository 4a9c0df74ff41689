"""The installable web app: manifest, service worker (served from the site root), favicon, offline page."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from .views import bp

# What the service worker stores on install: the shell every page needs and the offline page.
PRECACHE_STATIC = ("css/site.css", "css/shell.css", "css/study.css", "js/site.js", "js/study.js",
                   "js/offline.js", "js/keep.js", "js/speak.js", "icons/icon-192.png", "icons/favicon-32.png")


def static_folder() -> Path:
    return Path(current_app.static_folder)


@lru_cache(maxsize=4)
def static_version(folder: str) -> str:
    """A digest of the site's static files: a new deployment gets a new cache name, old copies are dropped."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.route("/sw.js")
def service_worker():
    source = (static_folder() / "js" / "sw.js").read_text(encoding="utf-8")
    precache = [url_for("core.offline")] + [url_for("static", filename=name) for name in PRECACHE_STATIC]
    body = (source.replace("__VERSION__", static_version(str(static_folder())))
            .replace("__PRECACHE__", json.dumps(precache)))
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new worker on every visit
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in (192, 512)]
    icons.append({"src": url_for("static", filename="icons/icon-maskable-512.png"), "sizes": "512x512",
                  "type": "image/png", "purpose": "maskable"})
    data = {"name": _("Law study and exams"), "short_name": _("Law study"), "lang": "zh-CN",
            "start_url": url_for("core.home"), "scope": "/", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#9b1c1c", "icons": icons,
            "description": _("Read the statutes, practise and take the yearly law exam, also offline.")}
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


@bp.route("/favicon.ico")
def favicon():
    return send_from_directory(static_folder() / "icons", "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 86400)


@bp.route("/offline")
def offline():
    """Shown by the service worker when a page is asked for without a connection; carries no personal data."""
    return render_template("core/offline.html")
