"""Who is asking the API: a personal access token in ``Authorization: Bearer <token>``.

This is the only code that reads tokens: no middleware does, so a token opens the API and
nothing else (not the admin, not /moderation/, not a page). Within the API a session
cookie opens nothing either: ``request.user`` is the token's person or a visitor, and no
CSRF token is needed, as no cookie is trusted.
"""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer

from journal import services
from journal.api.errors import ApiError

# The largest body each kind of endpoint reads, checked after authentication and before
# anything reads the body. A JSON entry holds two texts of 20,000 characters, each up to
# 6 bytes when escaped; an image is 5 MB, with room for the multipart wrapping.
JSON_BODY_BYTES = 256 * 1024
IMAGE_BODY_BYTES = 5 * 1024 * 1024 + 64 * 1024


class Visitor:
    """The authentication of a request without a token, on endpoints open to everyone."""

    def __bool__(self):
        return True


class TokenAuth(HttpBearer):
    """A token in force, of the scope the endpoint needs (``write``), or, when
    ``optional``, no token at all. A token that is given must be good: a wrong or revoked
    one is refused (401), never read as a visitor."""

    def __init__(self, *, write=False, optional=False, max_body=0):
        super().__init__()
        self.write = write
        self.optional = optional
        self.max_body = max_body

    def __call__(self, request):
        request.user = AnonymousUser()
        if self.header not in request.headers:
            found = Visitor() if self.optional else None
        else:
            found = super().__call__(request)
        if found:
            self._check_body_size(request)
        return found

    def authenticate(self, request, token):
        found = services.token_find(token)
        if found is None:
            return None
        if self.write and not found.can_write:
            raise ApiError(
                403,
                "This token can only read. Make a read-write token in your settings to write.",
                code="read_only_token",
            )
        request.user = found.person
        return found

    def _check_body_size(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > self.max_body:
            raise ApiError(413, f"This request's body can be {self.max_body} bytes at most.")


READ = TokenAuth(optional=True)
OWN = TokenAuth()
WRITE = TokenAuth(write=True, max_body=JSON_BODY_BYTES)
UPLOAD = TokenAuth(write=True, max_body=IMAGE_BODY_BYTES)
