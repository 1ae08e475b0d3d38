"""ZIP archives of Markdown files and their images, read without trusting what an archive
says about itself: no member is followed out of it, each is read no further than its
limit, and its images are checked and re-encoded but not stored."""

import io
import posixpath
import re
import stat
import zipfile
import zlib
from pathlib import PurePosixPath

from django.core.files.storage import default_storage

from journal.porting import limits
from journal.porting.images import RefusedImage, check_image, encode_image, header_pixels
from journal.porting.posts import (
    MARKDOWN_SUFFIXES,
    FileReport,
    Unreadable,
    read_capped,
    read_markdown,
)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
# ![alt](path "title") with a path relative to the Markdown file, as our export writes.
_IMAGE_LINK = re.compile(r"(!\[[^\]\n]*\]\()([^)\s]+)((?:\s+\"[^\"\n]*\")?\))")


def read_archive(plan, name, fileobj, budget, user):
    """Add what the ZIP archive ``fileobj``, uploaded as ``name``, holds for ``user`` to
    ``plan`` (a Plan): a FileReport per Markdown file or unsafe member, its images, and a
    note of the files it ignores. Archive and member sizes are counted against ``budget``
    (a limits.Budget); once it is spent, the archive is reported refused as a whole."""
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        plan.files.append(FileReport(name, error="It is not a ZIP archive we can open."))
        return
    if len(members) > limits.MAX_ARCHIVE_MEMBERS:
        plan.files.append(
            FileReport(name, error=f"It holds more than {limits.MAX_ARCHIVE_MEMBERS} files.")
        )
        return
    ignored = []
    reports = []
    with archive:
        images = _read_images(archive, members, name, plan, budget)
        for member in members:
            inner = member.filename
            path = PurePosixPath(inner.replace("\\", "/"))
            if member.is_dir() or "__MACOSX" in path.parts or path.name.startswith("._"):
                continue  # folders, and the resource forks macOS adds to archives
            label = f"{name} › {inner}"
            if unsafe := _unsafe_member(member, path):
                reports.append(FileReport(label, error=unsafe))
            elif path.suffix.lower() in IMAGE_SUFFIXES:
                continue
            elif path.suffix.lower() not in MARKDOWN_SUFFIXES:
                ignored.append(inner)
            else:
                try:
                    report = read_markdown(
                        label, lambda m=member: _read_member(archive, m), budget, user
                    )
                except limits.OverBudget as error:
                    # Over the budget for the whole import: none of this archive is imported.
                    plan.files.append(FileReport(name, error=str(error)))
                    return
                for draft in report.drafts:
                    draft.body = _link_images(draft.body, path.parent, images)
                    draft.reflection = _link_images(draft.reflection, path.parent, images)
                reports.append(report)
    plan.files.extend(reports)
    if ignored:
        shown = ", ".join(ignored[:5]) + (
            f" and {len(ignored) - 5} more" if len(ignored) > 5 else ""
        )
        plan.notes.append(f"{name}: only .md files are imported; ignored {shown}.")


def _read_images(archive, members, name, plan, budget):
    """Check and re-encode the archive's images as uploads are, into ``plan.images`` under
    the random names they will be stored under; returns their paths in the archive mapped
    to the URLs they will have.

    Nothing is stored here (see ``images.images_stored``): the learner has not accepted the import
    yet. Each image's size is read from its header and counted against the import's
    pixels before it is decoded.
    """
    urls, refused, left_out = {}, [], False
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.suffix.lower() not in IMAGE_SUFFIXES or member.is_dir():
            continue
        if _unsafe_member(member, path) or "__MACOSX" in path.parts:
            continue  # reported with the other files' problems
        try:
            data = _read_member(archive, member, limit=limits.MAX_IMAGE_BYTES)
        except Unreadable:
            refused.append(member.filename)
            continue
        if left_out := not budget.spend_on_image(len(data), header_pixels(data)):
            break
        try:
            image_format = check_image(io.BytesIO(data), len(data))
        except RefusedImage:
            refused.append(member.filename)
            continue
        storage_name, encoded = encode_image(io.BytesIO(data), image_format)
        # What is kept until the import is confirmed is the re-encoded image, which a
        # strongly compressed JPEG or WebP makes larger than it came.
        if left_out := not budget.spend_on_image(len(encoded) - len(data), 0):
            break
        plan.images[storage_name] = encoded
        urls[str(path)] = default_storage.url(storage_name)
    if left_out:
        plan.notes.append(
            f"{name}: images past {limits.megabytes(limits.MAX_IMPORT_IMAGE_BYTES)} or "
            f"{limits.MAX_IMPORT_IMAGE_PIXELS // 1_000_000} megapixels in all were not imported."
        )
    if refused:
        plan.notes.append(
            f"{name}: these images could not be read and were left out: "
            + ", ".join(refused[:5])
            + (" and more" if len(refused) > 5 else "")
        )
    return urls


def _link_images(text, folder, images):
    """Point image links that name a file of the archive at where it is now stored."""

    def relink(match):
        target = posixpath.normpath(str(folder / match.group(2)))
        return (
            match.group(1) + images[target] + match.group(3) if target in images else match.group(0)
        )

    return _IMAGE_LINK.sub(relink, text) if images and text else text


def _unsafe_member(member, path):
    if stat.S_ISLNK(member.external_attr >> 16):
        return "It is a symbolic link; links are never followed out of an archive."
    if path.is_absolute() or re.match(r"^[A-Za-z]:", member.filename):
        return "Its path is absolute, which would put it outside the archive."
    if ".." in path.parts:
        return "Its path climbs out of the archive with “..”."
    if member.flag_bits & 0x1:
        return "It is encrypted."
    return ""


def _read_member(archive, member, limit=limits.MAX_FILE_BYTES):
    if member.file_size > limit:
        raise Unreadable(
            f"It unpacks to more than {limits.megabytes(limit)}, the most one file may hold."
        )
    try:
        with archive.open(member) as stream:
            # The declared size is not trusted: reading stops at the limit whatever it says.
            return read_capped(stream, limit)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise Unreadable(f"It is damaged or packed in a way we cannot read ({error}).") from None
