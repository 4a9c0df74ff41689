"""OpenAPI document built from the routes themselves, so none can be missed.

Each view's `@doc(...)` says what it reads (body, query) and what it answers (`reply`, a JSON schema); the
statuses every API call can give (401, 403, 400, 404, 413, 422, 503) are added here from what the route is
(logged in or public, path parameters, a body), so the document and the server agree (S-12 fuzzes both).
The same body schema is enforced on the request: fields it does not name are refused (S-06).
"""

import re

from flask import current_app, request
from flask_babel import gettext as _

from ..errors import Invalid

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

# JSON schema shorthands for the replies.
STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
TIME, DATE, ANY = {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}, {}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
FILES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv"}


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def obj(required: dict, optional: dict | None = None, *, extra: bool = False) -> dict:
    """An object with these required (and optional) properties; no others unless `extra`."""
    schema = {"type": "object", "properties": {**required, **(optional or {})}, "additionalProperties": extra}
    if required:
        schema["required"] = sorted(required)
    return schema


ERROR = obj({"error": obj({"code": STR, "message": STR}, {"details": ANY})})
ERRORS = {
    400: "Bad input: a number out of range, or (browser session) a missing CSRF token",
    401: "Not logged in: no valid session and no valid bearer token",
    403: "Not allowed for this account (role or unit scope), or the password must be changed first",
    404: "No such item, or not yours (the API does not tell the two apart)",
    409: "Conflict with the current state",
    413: "Body larger than the site's limit",
    422: "The body or a parameter does not fit",
    429: "Too many requests; wait and try again",
    503: "The database is restarting or busy; send the same request again after Retry-After seconds",
}


def doc(summary: str, *, roles: str = "any user", body: dict | None = None, query: dict | None = None,
        responses: dict | None = None, public: bool = False, reply: dict | None = None, status: int = 200,
        files: tuple = ()):
    """Attach OpenAPI facts to an API view function.

    body: the JSON request body's schema (with additionalProperties false, fields it does not name are refused
    with 422; else they are ignored);
    query: {name: type or schema}; reply: the success body's schema, answered with `status`;
    files: kinds of file ("pdf", "xlsx", "csv") the success may be instead; responses: {status: text}.
    """

    def decorator(view):
        view.openapi = {"summary": summary, "roles": roles, "body": body, "query": query or {},
                        "responses": responses or {}, "public": public, "reply": reply, "status": status,
                        "files": files}
        return view

    return decorator


def request_body() -> dict | None:
    """The request's JSON object, refused (422) when it names a field the view's documented body does not
    (unless the document says other fields are ignored).

    None when the body is not a JSON object: the view answers that with its own message.
    """
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None
    schema = getattr(current_app.view_functions[request.endpoint], "openapi", {}).get("body") or {}
    if schema.get("additionalProperties") is not False:  # an exam save never fails over a field it ignores
        return payload
    unknown = sorted(set(payload) - set(schema.get("properties", {})))
    if unknown:
        names = "、".join(str(name)[:40] for name in unknown[:5])
        raise Invalid(_("These fields cannot be set here: %(names)s", names=names), code="unknown_fields",
                      details={"fields": [str(name)[:40] for name in unknown[:20]]})
    return payload


def build_spec() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        facts = getattr(view, "openapi", None) or {"summary": view.__doc__ or rule.endpoint}
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation(rule, method, facts)
    return {
        "openapi": "3.0.3",
        "info": {"title": "examapp API", "version": "1.0.0",
                 "description": "学法考试系统 JSON API. Errors: {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "a personal token from `flask users token USERNAME`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "the browser session; changes need the X-CSRFToken header"},
            },
            "schemas": {"Error": ERROR},
        },
        "paths": paths,
    }


def operation(rule, method: str, facts: dict) -> dict:
    path_params = _PARAM.findall(rule.rule)
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer"} if conv == "int" else {"type": "string", "minLength": 1}}
              for conv, name in path_params]
    params += [{"name": name, "in": "query", "required": False,
                "schema": {"type": kind} if isinstance(kind, str) else kind}
               for name, kind in facts.get("query", {}).items()]
    public, body = facts.get("public", False), facts.get("body")
    op = {
        "summary": facts["summary"],
        "description": f"Who: {facts.get('roles', 'any user')}.",
        "operationId": rule.endpoint.replace(".", "_"),
        "parameters": params,
        "responses": responses(facts, errors=error_statuses(facts, public, bool(path_params), method)),
        "security": [] if public else [{"bearer": []}, {"session": []}],
    }
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def error_statuses(facts: dict, public: bool, has_path: bool, method: str) -> set[int]:
    """The error statuses a route can give, from what it is; the view's `responses` add its own."""
    declared = {int(code) for code in facts.get("responses", {}) if int(code) >= 400}
    if rule_is_document(facts):
        return declared
    statuses = {400, 503} | declared
    if not public:
        statuses |= {401, 403}
    if has_path:
        statuses.add(404)
    if facts.get("body"):
        statuses |= {413, 422}
    if method != "GET" and not public:
        statuses.add(400)  # a browser session without its CSRF token
    return statuses


def rule_is_document(facts: dict) -> bool:
    return facts.get("reply") is OPENAPI


def responses(facts: dict, *, errors: set[int]) -> dict:
    texts, schemas = {}, {}
    for code, text in facts.get("responses", {}).items():  # "text", or ("text", the body's schema)
        texts[int(code)], schemas[int(code)] = (text, None) if isinstance(text, str) else text
    status = facts.get("status", 200)
    content = {}
    if facts.get("reply") is not None:
        content["application/json"] = {"schema": facts["reply"]}
    for kind in facts.get("files", ()):
        content[FILES[kind]] = {"schema": {"type": "string", "format": "binary"}}
    success = {"description": texts.get(status, "OK")}
    if content:
        success["content"] = content
    out = {str(status): success}
    for code in sorted(errors):
        schema = {"$ref": "#/components/schemas/Error"}
        if schemas.get(code) is not None:
            schema = {"anyOf": [schemas[code], schema]}
        error = {"description": texts.get(code, ERRORS.get(code, "Error")),
                 "content": {"application/json": {"schema": schema}}}
        if code == 503:
            error["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        out[str(code)] = error
    return out


OPENAPI = {"type": "object", "required": ["openapi", "info", "paths"]}
