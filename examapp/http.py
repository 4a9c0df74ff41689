"""Request parsing that turns hostile input into 4xx answers instead of server errors."""

from flask import Request
from werkzeug import serving
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest id a database column can hold (BIGINT)


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in a route: an id beyond any database integer is simply not found (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class SafeRequest(Request):
    """A request whose JSON body may be nested deeply without crashing the parser."""

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
