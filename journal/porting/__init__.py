"""Import and export: the Markdown learners already keep (Jekyll and Hugo posts, plain
notes, a log.md, our own export) read into entries, and a journal written out as a ZIP.

Reading writes nothing. ``plan.read_files`` turns uploaded files and ZIP archives into a
``Plan``: file by file, the entries (``posts.Draft``) each one holds, or why it cannot be
read, and the archives' images, checked and re-encoded but not stored. ``Plan.check`` then
marks the drafts that cannot be imported (dated in the future or too long ago, too long)
or whose day is already taken, so that the learner sees everything before
``services.journal_import`` writes the plan in one transaction, inside
``images.images_stored``, which is when its images are written to storage. Between the
preview and the import, the plan waits in the learner's session and its images in the
cache (``preview``).

Dates are read as people type them, numbers day first as Europe writes them: 03-04-2025
is 3 April (the rule in full is ``dates.parse_date``'s).

Every limit is enforced while reading, never trusting what a file or an archive says about
itself: a Markdown file is read up to ``MAX_FILE_BYTES`` and no further, an archive stops
being read once its Markdown passes ``MAX_UNPACKED_BYTES`` or ``MAX_ARCHIVE_MEMBERS``, an
image's size is read from its header before it is decoded, and the plan kept between the
preview and the import holds at most ``MAX_DRAFTS`` entries and ``MAX_PLAN_BYTES``.

``export.export_journal`` writes the other way: one Markdown file per entry, as
``posts.parse_markdown`` reads it back, the images they use, and ``journal.json``.

Which module holds what, each importing only those above it in this list:

- ``limits``: every size and count limit, and the ``Budget`` one import spends;
- ``dates``: ``parse_date`` and finding a date in a heading;
- ``posts``: one Markdown file (front matter, a post, a "Day N" log) read into ``Draft``s;
- ``images``: checking, re-encoding and storing an uploaded image (``store_image``, the
  one way an upload reaches storage), for the editor's form and for the import;
- ``archives``: ZIP archives, their members and their images;
- ``plan``: ``Plan``, ``read_files`` and the checks before anything is written;
- ``preview``: the images of a preview, kept in the cache until it is confirmed;
- ``export``: a journal as a ZIP archive.
"""
