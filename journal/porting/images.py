"""Images that come in from people: picked in the editor, or found in an imported archive.

Each is checked (``check_image``: a PNG, JPEG or WebP that Pillow can decode, its size read
from its header before anything is decoded), re-encoded under a random name
(``encode_image``), and written by ``store_image``, the one function that puts an upload in
storage. An import's images wait, encoded, until the learner confirms it, and are stored
then by ``images_stored``.
"""

import io
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps

from journal.porting import limits

if TYPE_CHECKING:
    from journal.porting.posts import Draft

# Detected format: (format it is stored in, extension). Phone cameras' JPEGs are often
# MPO (a JPEG with extra frames), stored as the plain JPEG of their first frame.
FORMATS = {
    "PNG": ("PNG", "png"),
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "WEBP": ("WEBP", "webp"),
}


class RefusedImage(Exception):
    """An image that is not stored; the message says why, in plain words."""


def check_image(image: IO[bytes], size: int) -> str:
    """The format (a key of ``FORMATS``) of ``image``, a file of ``size`` bytes, read
    from its start; raises RefusedImage when it is too large, not an image Pillow can
    decode whole, or in another format. The file is left at its start."""
    if size > limits.MAX_IMAGE_BYTES:
        raise RefusedImage(f"Images can be {limits.megabytes(limits.MAX_IMAGE_BYTES)} at most.")
    # Opening reads the header only: the size is checked there, before anything is
    # decoded, as a file of a few kilobytes can claim tens of megapixels.
    try:
        with Image.open(image) as probe:
            image_format = probe.format
            width, height = probe.size
            if width * height > limits.MAX_IMAGE_PIXELS:
                raise RefusedImage("That image has too many pixels.")
            probe.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise RefusedImage("That file is not an image we can read.") from None
    if image_format not in FORMATS:
        raise RefusedImage("Only PNG, JPEG and WebP images can be uploaded.")
    # verify() does not decode JPEG or WebP data: a truncated one passes it and would
    # only fail when it is encoded, as a 500. Decoding it here, once its size is known to
    # be sane, turns that into a clear refusal.
    image.seek(0)
    try:
        with Image.open(image) as decoded:
            decoded.load()
    except (OSError, SyntaxError, ValueError):
        raise RefusedImage("That file is not an image we can read.") from None
    image.seek(0)
    return image_format


def encode_image(image: IO[bytes], image_format: str) -> tuple[str, bytes]:
    """A checked image (see ``check_image``, which gives ``image_format``) re-encoded in
    its real format, and the random name, with that format's extension, it is to be stored
    under; nothing is stored yet.

    Re-encoding drops metadata such as GPS positions and anything smuggled in after the
    image data.
    """
    with Image.open(image) as opened:
        upright = ImageOps.exif_transpose(opened)
        buffer = io.BytesIO()
        stored_format, extension = FORMATS[image_format]
        upright.save(buffer, format=stored_format)
    name = f"uploads/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}.{extension}"
    return name, buffer.getvalue()


def store_image(name: str, data: bytes) -> str:
    """Write an encoded image (see ``encode_image``) to storage under ``name``; returns
    the name it is stored under. Every upload is stored through here, and every image
    Momentum draws (journal/sharecards.py)."""
    return default_storage.save(name, ContentFile(data))


def header_pixels(data: bytes) -> int:
    """The pixels an image's header claims, without decoding it; 0 when it has no header
    we can read (``check_image`` then refuses it)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return probe.width * probe.height
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0


@contextmanager
def images_stored(images: Mapping[str, bytes], items: Iterable["Draft"]) -> Iterator[None]:
    """Store the images of ``images`` (a Plan's: encoded images by the name they are to be
    stored under) that ``items`` link to, for the block that writes ``items``: should the
    block fail, the images are removed again, so that an import that did not happen leaves
    nothing behind."""
    linked = "\n".join(text for item in items for text in (item.body, item.reflection))
    stored = []
    try:
        for storage_name, data in images.items():
            if default_storage.url(storage_name) in linked:
                stored.append(store_image(storage_name, data))
        yield
    except BaseException:
        for storage_name in stored:
            default_storage.delete(storage_name)
        raise
