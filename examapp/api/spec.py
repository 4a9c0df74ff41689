"""OpenAPI document built from the routes themselves, so none can be missed."""

import re

from flask import current_app

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def doc(summary: str, *, roles: str = "any user", body: dict | None = None,
        query: dict | None = None, responses: dict | None = None, public: bool = False):
    """Attach OpenAPI facts to an API view function."""

    def decorator(view):
        view.openapi = {"summary": summary, "roles": roles, "body": body, "query": query or {},
                        "responses": responses or {}, "public": public}
        return view

    return decorator


def build_spec() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        facts = getattr(view, "openapi", None) or {"summary": view.__doc__ or rule.endpoint,
                                                    "roles": "any user", "body": None,
                                                    "query": {}, "responses": {}, "public": False}
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation(rule, facts)
    return {
        "openapi": "3.0.3",
        "info": {"title": "examapp API", "version": "1.0.0",
                 "description": "学法考试系统 JSON API. Errors: {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {"Error": {"type": "object", "properties": {"error": {
                "type": "object", "properties": {"code": {"type": "string"},
                                                 "message": {"type": "string"}}}}}},
        },
        "paths": paths,
    }


def operation(rule, facts: dict) -> dict:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer" if conv == "int" else "string"}}
              for conv, name in _PARAM.findall(rule.rule)]
    params += [{"name": name, "in": "query", "required": False, "schema": {"type": kind}}
               for name, kind in facts["query"].items()]
    op = {
        "summary": facts["summary"],
        "description": f"Who: {facts['roles']}.",
        "operationId": rule.endpoint.replace(".", "_"),
        "parameters": params,
        "responses": {"200": {"description": "OK"}, **{
            str(code): {"description": text} for code, text in facts["responses"].items()},
            "default": {"description": "Error",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
    }
    if not facts["public"]:
        op["security"] = [{"bearer": []}, {"session": []}]
    else:
        op["security"] = []
    if facts["body"]:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": facts["body"]}}}
    return op
