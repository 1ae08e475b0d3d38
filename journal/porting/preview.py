"""The images of an import's preview, kept in the cache until the learner confirms it.

The plan itself waits in the learner's session; its images, checked and re-encoded, are
too large for a session and wait here under the plan's token, for ``IMAGES_SECONDS``.
"""

from django.core.cache import cache

# A preview left longer than this loses its images, and asks for the files again.
IMAGES_SECONDS = 60 * 60


def _key(token: str) -> str:
    return f"import-images:{token}"


def keep_images(token: str, images: dict[str, bytes]) -> None:
    """Keep the images of the preview ``token`` (a Plan's, by storage name)."""
    cache.set(_key(token), images, IMAGES_SECONDS)


def kept_images(token: str) -> dict[str, bytes] | None:
    """The images kept for the preview ``token``; None once they are forgotten or too old."""
    return cache.get(_key(token))


def forget_images(token: str) -> None:
    """Drop the images of the preview ``token``: it was imported, cancelled or replaced."""
    cache.delete(_key(token))
