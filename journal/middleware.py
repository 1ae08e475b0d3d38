"""Request ids in every log line, refusals before any view runs, and a friendly 503 while
the database is away."""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string

from journal.api.errors import error_response, is_api_request

request_id_var = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("momentum.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Stamps each log record with the id of the request being served."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID when it is sane) and log it once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            access_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            request_id_var.reset(token)


class AllowedMethodsMiddleware:
    """Momentum speaks GET, HEAD and POST only; anything else is refused before any view."""

    ALLOWED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            if is_api_request(request):
                refusal = error_response(405, f"The API does not take {request.method}.")
                refusal["Allow"] = ", ".join(self.ALLOWED)
                return refusal
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


class RequestSizeMiddleware:
    """Refuse a body larger than the asker may send, from its Content-Length, unread.

    Django streams an uploaded file to a temporary file before any form can refuse it, so
    without this an anonymous 300 MB POST fills the disk and holds a worker while it
    arrives. Visitors only ever send small forms (log in, sign up); signed-in people up to
    the import's limit. The proxy in front refuses anything larger still (see the README).

    A request to the API that carries a token is let through up to the same limit without
    the token being read here: the API authenticates it first, then holds each endpoint to
    its own, smaller cap, still before reading the body (journal/api/auth.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        # Who is asking is looked up only for a large body: most requests have none.
        if size <= settings.MOMENTUM_MAX_ANONYMOUS_REQUEST_BYTES:
            return self.get_response(request)
        api = is_api_request(request)
        limit = (
            settings.MOMENTUM_MAX_REQUEST_BYTES
            if (api and "Authorization" in request.headers)
            or (not api and request.user.is_authenticated)
            else settings.MOMENTUM_MAX_ANONYMOUS_REQUEST_BYTES
        )
        if size > limit:
            if api:
                response = error_response(413, f"A request's body can be {limit} bytes at most.")
            else:
                response = render(request, "413.html", {"limit": limit}, status=413)
            # The body is never read: the connection cannot carry another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While PostgreSQL restarts, answer 503 with a page that asks to retry, not a 500.

    Django reconnects by itself on the next request once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        return database_unavailable(exception)


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(exception):
    """The 503 page that asks to retry, for ``exception`` from an absent database."""
    logging.getLogger("momentum.db").warning("database unavailable: %s", exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "5"
    return response


class QueryCountMiddleware:
    """Report the SQL queries a request ran in ``X-Query-Count``, for the benchmark.

    Installed only when MOMENTUM_COUNT_QUERIES is set (see settings), so production pays
    nothing for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
