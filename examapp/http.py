"""Request parsing that turns hostile input into 4xx answers instead of server errors."""

import math
import re

from flask import Request
from flask import json as flask_json
from werkzeug import serving
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest id a database column can hold (BIGINT)


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in a route: an id beyond any database integer is simply not found (404).

    It still matches the route (as -1, an id no row has): refusing it in the converter would make the router
    answer 405 for PUT or PATCH wherever a GET route with the same path exists.
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else -1


LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # not Unicode: no database (or UTF-8 encoder) takes one


class StrictJSON:
    """JSON parsing that refuses what is not data at all: NaN and Infinity, numbers beyond a float (1e309) and
    lone surrogates. A refusal is a ValueError, which the request turns into "not JSON" (a 4xx), never a
    server error further down. (A NUL character is text: each field's own rule refuses it, naming the field.)"""

    @staticmethod
    def loads(data, **kwargs):
        value = flask_json.loads(data, parse_constant=StrictJSON.refuse_constant, **kwargs)
        stack = [value]
        while stack:  # iterative: the parser already bounds the depth
            item = stack.pop()
            if isinstance(item, str):
                if LONE_SURROGATE.search(item):
                    raise ValueError("a lone surrogate in a JSON string")
            elif isinstance(item, float):
                if not math.isfinite(item):
                    raise ValueError("a JSON number beyond a float")
            elif isinstance(item, dict):
                stack.extend(item)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return value

    @staticmethod
    def refuse_constant(name: str):
        raise ValueError(f"{name} is not JSON")


class SafeRequest(Request):
    """A request whose JSON body may be nested deeply, or hold values that are not data, without crashing."""

    # Flask sets the app's JSON provider here for each request; that one would take NaN, NUL and surrogates.
    json_module = property(lambda self: StrictJSON, lambda self, provider: None)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError as exc:  # json.loads gives up on very deep nesting
            if silent:
                return None
            raise BadRequest("JSON nested too deeply") from exc


def install(app) -> None:
    """Use the bounded converter and the safe request class (before any blueprint registers)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.request_class = SafeRequest
    # The development server (make run) would answer "Server: Werkzeug/x.y Python/x.y"; give no versions.
    # gunicorn already sends a bare "gunicorn", and nginx needs `server_tokens off` (README).
    serving.WSGIRequestHandler.version_string = lambda self: "examapp"
