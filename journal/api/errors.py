"""The API's one error body: ``{"error": {"code", "message", "fields"}}``.

Everything the API refuses answers with it, from the middleware's refusals (a method or a
body size) to a form's messages, so that a client reads errors one way.
"""

from django.http import JsonResponse

# The code of each status the API answers with, when nothing more precise is said.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


class ApiError(Exception):
    """A refusal an endpoint raises; ``headers`` go on the response (Retry-After)."""

    def __init__(self, status, message, *, code=None, fields=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES[status]
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def error_response(status, message, *, code=None, fields=None, headers=None):
    """The JSON response for a refusal with ``status``."""
    response = JsonResponse(
        {"error": {"code": code or CODES[status], "message": message, "fields": fields or {}}},
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_api_request(request):
    return request.path.startswith("/api/")
