"""The installable web app: manifest with PNG icons, a root-scoped service worker, favicon, offline page."""

import io
import json
import re

from PIL import Image

from examapp.extensions import db


def test_manifest_names_the_app_with_png_icons(client, org):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    data = json.loads(response.get_data(as_text=True))
    assert data["name"] == "学法考试系统" and data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    purposes = set()
    for icon in data["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        picture = Image.open(io.BytesIO(image.get_data()))
        assert picture.format == "PNG" and "x".join(map(str, picture.size)) == icon["sizes"]
        purposes.add(icon["purpose"])
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in data["icons"]} and purposes == {"any", "maskable"}


def test_service_worker_is_served_from_the_root_and_precaches_what_exists(client, org):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    assert "__VERSION__" not in source and re.search(r'VERSION = "[0-9a-f]{12}"', source)
    precache = json.loads(re.search(r"PRECACHE = (\[.*?\]);", source).group(1))
    assert "/offline" in precache
    for url in precache:
        assert client.get(url).status_code == 200, url
    assert "cdn" not in source.lower() and "http" not in source.replace("self.location", "")


def test_service_worker_leaves_exam_pages_and_the_api_alone(client, org):
    source = client.get("/sw.js").get_data(as_text=True)
    guard = source.index('path.indexOf("/api/") === 0 || path.indexOf("/exams/") === 0) { return; }')
    assert guard < source.index("event.respondWith")  # checked before anything is answered or stored
    assert source.count("cache.put") + source.count("kept.put") + source.count("opened.put") == 3
    study = re.search(r"var STUDY_PAGE = /(.*)/;", source).group(1)
    pattern = re.compile(study.replace("\\/", "/"))
    assert pattern.match("/study/laws/constitution-2018/articles/5") and pattern.match("/study/cases/3")
    for path in ("/exams/attempts/1", "/api/v1/exams", "/study/progress", "/study/sessions", "/me"):
        assert not pattern.match(path), path


def test_favicon_and_pages_point_to_the_manifest(client, org, login):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.get_data()[:4] == b"\x00\x00\x01\x00"
    html = login(org.learner).get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in html and 'rel="icon"' in html
    assert f'name="examapp-user" content="{org.learner.id}"' in html


def test_offline_page_is_public_and_personal_data_free(client, org):
    html = client.get("/offline").get_data(as_text=True)
    assert "没有网络" in html and "data-offline-laws" in html and "examapp-user" not in html


def test_a_forced_password_change_does_not_block_the_app_files(client, org, login):
    org.learner.must_change_password = True
    db.session.commit()
    client = login(org.learner)
    for url in ("/sw.js", "/manifest.webmanifest", "/favicon.ico", "/offline"):
        assert client.get(url).status_code == 200, url
    assert client.get("/").status_code == 302
