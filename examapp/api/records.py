"""Certificates over the API: public verification and the PDF for those allowed."""

from flask import abort, jsonify
from flask_login import current_user, login_required

from ..db import utcnow
from ..extensions import limiter
from ..records import access, services
from ..records.certificate_pdf import certificate_pdf, verify_url
from ..records.downloads import log_download, send_bytes
from . import bp
from .spec import DATE, NUM, STR, TIME, doc, nullable, obj

VERIFY = obj({"serial": STR, "status": {"type": "string", "enum": ["valid", "expired", "revoked", "invalid",
                                                                    "unknown"]}},
             {"holder": STR, "exam": STR, "score": NUM, "max_score": NUM, "grade": nullable(STR), "date": DATE,
              "valid_until": nullable(DATE), "revoked_at": nullable(TIME), "verify_url": STR})


@bp.route("/certificates/<serial>.pdf")
@login_required
@doc("Download a certificate as PDF", roles="the holder; HR, unit admins and admins in scope",
     responses={404: "No such certificate, or not yours and not in your scope (the same answer)"}, files=("pdf",))
def certificate_pdf_api(serial: str):
    cert = services.find(serial)
    if cert is None or not access.can_view_certificate(current_user, cert):
        abort(404)
    log_download("certificate.download", cert.serial, {"holder_id": cert.user_id, "via": "api"})
    return send_bytes(certificate_pdf(cert), f"{cert.serial}.pdf", "pdf")


@bp.route("/certificates/<serial>")
@limiter.limit("60 per minute")
@doc("Verify a certificate: valid, expired, revoked, invalid (signature mismatch) or unknown",
     public=True, responses={404: ("Unknown serial (status 'unknown' in the body)", VERIFY),
                             429: "More than 60 look-ups a minute from this address"}, reply=VERIFY)
def certificate_verify_api(serial: str):
    result = services.verify(serial, today=services.local_date(utcnow()))
    body = {"serial": services.signing.normalise_serial(serial), "status": result.status}
    cert = result.certificate
    if cert is not None and result.status != "invalid":
        body.update({
            "holder": services.mask_name(cert.holder_name), "exam": cert.exam_title, "score": cert.score,
            "max_score": cert.max_score, "grade": cert.grade, "date": cert.passed_on.isoformat(),
            "valid_until": cert.valid_until.isoformat() if cert.valid_until else None,
            "revoked_at": cert.revoked_at.isoformat() if cert.revoked_at else None,
            "verify_url": verify_url(cert.serial),
        })
    return jsonify(body), (404 if result.status == "unknown" else 200)
