"""Every limit of import and upload, and the budget that spends one import's share of them.

Forms read these to say the limits in their help texts and to refuse what is too large
before anything is read; the readers enforce them while reading, never trusting what a
file or an archive says about itself.
"""

import datetime as dt

# One Markdown file, and one upload of files together.
MAX_FILE_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The Markdown an import unpacks in all, and the files an archive may hold.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
# One image, from the editor or from an archive.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# The images of one import, re-encoded as uploads are, are kept until the learner confirms
# it up to this much in all, and decoded up to this many pixels in all.
MAX_IMPORT_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMPORT_IMAGE_PIXELS = 100_000_000
# The plan waits in the learner's session between the upload and the import.
MAX_DRAFTS = 1000
MAX_PLAN_BYTES = 5 * 1024 * 1024
# No learning journal kept in Markdown goes back further.
EARLIEST_DAY = dt.date(1990, 1, 1)


def megabytes(size: int) -> str:
    """``size`` bytes in whole megabytes, as the messages about these limits say them."""
    return f"{size // (1024 * 1024)} MB"


class OverBudget(Exception):
    """The import as a whole holds more text than one import may."""


class Budget:
    """What one import may unpack in all, counted as it is read: bytes of Markdown, and
    bytes and pixels of images."""

    def __init__(self) -> None:
        self.left = MAX_UNPACKED_BYTES
        self.image_bytes = MAX_IMPORT_IMAGE_BYTES
        self.pixels = MAX_IMPORT_IMAGE_PIXELS

    def spend_on_image(self, size: int, pixels: int) -> bool:
        """Count an image's bytes and pixels; False once the import has spent too many."""
        self.image_bytes -= max(size, 0)
        self.pixels -= pixels
        return self.image_bytes >= 0 and self.pixels >= 0

    def spend(self, size: int) -> None:
        """Count bytes of Markdown; raises OverBudget once the import has read too many."""
        self.left -= size
        if self.left < 0:
            raise OverBudget(
                f"Together the files hold more than {megabytes(MAX_UNPACKED_BYTES)} of text; "
                "import them in smaller batches."
            )
