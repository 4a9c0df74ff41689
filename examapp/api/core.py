"""Account and API description endpoints."""

from flask import jsonify
from flask_login import current_user, login_required

from . import bp
from .spec import BOOL, INT, OPENAPI, STR, build_spec, doc, nullable, obj

USER = obj({"id": INT, "username": STR, "name": STR, "role": STR,
            "unit": obj({"id": INT, "name": STR, "path": STR}), "is_leader": BOOL, "is_grid_worker": BOOL,
            "is_enforcement": BOOL, "status": STR, "must_change_password": BOOL, "scope": nullable(STR)})


def user_json(user) -> dict:
    return {
        "id": user.id, "username": user.username, "name": user.name, "role": user.role,
        "unit": {"id": user.unit.id, "name": user.unit.name, "path": user.unit.full_name},
        "is_leader": user.is_leader, "is_grid_worker": user.is_grid_worker,
        "is_enforcement": user.is_enforcement, "status": user.status,
        "must_change_password": user.must_change_password,
        "scope": user.scope_unit.full_name if user.scope_unit is not None else None,
    }


@bp.route("/me")
@login_required
@doc("The current account, its role and unit", reply=USER)
def me():
    return jsonify(user_json(current_user))


@bp.route("/openapi.json")
@doc("This OpenAPI document", public=True, reply=OPENAPI)
def openapi():
    return jsonify(build_spec())
