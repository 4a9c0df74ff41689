"""People endpoints: the same scoped services as the roster pages."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions as perm
from ..auth.sessions import end_all_access
from ..db import utcnow
from ..errors import Invalid
from ..extensions import db
from ..org import services
from ..org.models import User
from ..org.queries import people_query, person_for
from . import bp
from .core import USER, user_json
from .spec import INT, array, doc, obj, request_body

PERSON_PATCH = {"type": "object", "additionalProperties": False, "properties": {
    "name": {"type": "string"}, "unit": {"type": "string", "description": "unit full path"},
    "role": {"type": "string"},
    "scope": {"type": "string", "description": "HR/unit admin: the unit (full path) whose subtree it sees; admin only"},
    "position": {"type": "string"}, "rank": {"type": "string"},
    "phone": {"type": "string"}, "is_leader": {"type": "boolean"}, "is_grid_worker": {"type": "boolean"},
    "is_enforcement": {"type": "boolean"}}}
EDITABLE = ("name", "role", "position", "rank", "phone", "is_leader", "is_grid_worker", "is_enforcement")


def load_person(user_id: int, *, manage: bool = False) -> User:
    return person_for(current_user, user_id, manage=manage)


@bp.route("/people")
@perm.roles_required(perm.ADMIN, perm.UNIT_ADMIN, perm.HR)
@doc("People in the caller's unit scope", roles="admin, unit admin, HR (scoped)",
     query={"q": "string", "role": "string", "status": "string", "page": "integer"},
     reply=obj({"total": INT, "page": INT, "items": array(USER)}))
def people_list():
    args = request.args
    stmt = people_query(current_user, q=args.get("q", ""), role=args.get("role", ""),
                        status=args.get("status", ""))
    page = db.paginate(stmt, page=args.get("page", 1, type=int), per_page=100, error_out=False)
    return jsonify({"total": page.total, "page": page.page, "items": [user_json(u) for u in page.items]})


@bp.route("/people/<int:user_id>")
@perm.roles_required(perm.ADMIN, perm.UNIT_ADMIN, perm.HR, perm.LEARNER, perm.EXAMINER)
@doc("One person (yourself, or someone in your scope)", roles="self; admin, unit admin, HR in scope",
     responses={403: "outside your scope"}, reply=USER)
def person_get(user_id: int):
    return jsonify(user_json(load_person(user_id)))


@bp.route("/people/<int:user_id>", methods=["PATCH"])
@perm.roles_required(perm.ADMIN, perm.UNIT_ADMIN)
@doc("Edit or transfer a person (recorded in the roster history)", roles="admin, unit admin (scoped)",
     body=PERSON_PATCH, responses={403: "outside your scope", 422: "invalid or unknown field"}, reply=USER)
def person_patch(user_id: int):
    person = load_person(user_id, manage=True)
    payload = request_body()
    if payload is None:
        raise Invalid(_("Send a JSON object with the fields to change."), code="invalid_body")
    changes = {k: payload[k] for k in EDITABLE if k in payload}
    if "unit" in payload:
        unit = services.find_unit(str(payload["unit"]))
        if unit is None:
            raise Invalid(_("No unit is called %(name)s.", name=payload["unit"]))
        changes["unit"] = unit
    if "scope" in payload:
        scope = services.find_unit(str(payload["scope"]))
        if scope is None:
            raise Invalid(_("No unit is called %(name)s.", name=payload["scope"]))
        changes["scope_unit"] = scope
    services.update_person(current_user, person, utcnow(), **changes)
    db.session.commit()
    return jsonify(user_json(person))


@bp.route("/people/<int:user_id>/sessions", methods=["DELETE"])
@perm.roles_required(perm.ADMIN, perm.UNIT_ADMIN)
@doc("End all of a person's access: every log-in session and every API token (audited)",
     roles="admin; unit admin for learners in scope",
     responses={200: "{sessions_ended, tokens_revoked}", 403: "not yours to manage"},
     reply=obj({"sessions_ended": INT, "tokens_revoked": INT}))
def person_sessions_end(user_id: int):
    person = load_person(user_id, manage=True)
    counts = end_all_access(current_user, person, utcnow())
    db.session.commit()
    return jsonify({"sessions_ended": counts["sessions"], "tokens_revoked": counts["tokens"]})
