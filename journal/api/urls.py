"""The API itself: /api/v1/..., its OpenAPI document at /api/v1/openapi.json and its
interactive docs at /api/docs (Swagger UI from django-ninja's own static files, which the
Content Security Policy allows: no CDN).

Every answer of the API goes through ``MomentumAPI.create_response``: reads get an ETag
(and a 304 for a matching If-None-Match); every refusal the error body of ``errors.py``.
"""

import hashlib

from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.urls import re_path
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

# writing adds its endpoints to reading's router: some share an address with a read.
from journal.api import reading, writing  # noqa: F401
from journal.api.errors import ApiError, error_response

API_DESCRIPTION = (
    "Momentum's JSON API: public entries, people, topics and challenges for anyone; your "
    "own private entries and notifications with a read token; writing today's entry, "
    "images, cheers, comments and joining challenges with a read-write token. Make tokens "
    "at /settings/tokens/ and send them as `Authorization: Bearer <token>`."
)


class MomentumAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        # What a read answers depends on the token: a cache may keep it for that token only.
        patch_vary_headers(response, ("Authorization",))
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            patch_cache_control(response, no_cache=True)
            if "Authorization" in request.headers:
                patch_cache_control(response, private=True)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


api = MomentumAPI(
    title="Momentum API",
    version="1",
    description=API_DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/v1/openapi.json",
)
api.add_router("/v1/", reading.router)


def _refused(status, message, **kwargs):
    return lambda request, error: error_response(status, message, **kwargs)


@api.exception_handler(ApiError)
def api_error(request, error):
    return error_response(
        error.status, error.message, code=error.code, fields=error.fields, headers=error.headers
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request, error):
    """A parameter or body of the wrong type: each message under the field it is about."""
    fields = {}
    for problem in error.errors:
        # loc is ("body", "payload", "minutes") or ("query", "limit"): the field is last,
        # or the place itself when the body as a whole is wrong.
        place = [str(part) for part in problem.get("loc", ()) if part != "payload"]
        fields.setdefault(place[-1] if place else "body", []).append(problem.get("msg", ""))
    return error_response(422, "Some fields are not valid.", fields=fields)


@api.exception_handler(AuthenticationError)
def unauthorized(request, error):
    return error_response(
        401,
        "A valid token is needed: send Authorization: Bearer <token> (tokens are made, "
        "and revoked, at /settings/tokens/).",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(HttpError)
def http_error(request, error):
    # ninja's own: a body that is no JSON (400), and the like.
    return error_response(error.status_code, str(error))


api.add_exception_handler(Http404, _refused(404, "Nothing is here, or not for you."))
api.add_exception_handler(BadRequest, lambda request, error: error_response(400, str(error)))
api.add_exception_handler(PermissionDenied, _refused(403, "This is not yours to do."))
api.add_exception_handler(RequestDataTooBig, _refused(413, "This request's body is too large."))


def unknown_address(request, rest):
    return error_response(404, "The API has no such address: see /api/docs.")


# ninja's own views, which answer any method: they are for reading.
READ_ONLY = {"openapi-json", "openapi-view"}


def _methods_refused_in_json(view, *, read_only):
    """ninja answers a method an address does not take with a bare 405: the API's is JSON."""

    def wrapped(request, *args, **kwargs):
        if read_only and request.method not in ("GET", "HEAD"):
            refusal = error_response(405, f"This address does not take {request.method}.")
            refusal["Allow"] = "GET, HEAD"
            return refusal
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            refusal = error_response(405, f"This address does not take {request.method}.")
            refusal["Allow"] = response["Allow"]
            return refusal
        return response

    wrapped.__dict__.update(view.__dict__)
    return wrapped


def api_urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _methods_refused_in_json(
            pattern.callback, read_only=pattern.name in READ_ONLY
        )
    # Last: any other address under /api/ is a JSON 404, not the site's page.
    patterns.append(re_path(r"^(?P<rest>.*)$", unknown_address, name="unknown"))
    return patterns, app_name, namespace
