"""What journal/porting promises the rest of the app: every upload reaches storage through
``images.store_image``, and the package never imports what is built on it (forms, views),
nor has two of its modules import each other."""

import ast
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from journal.porting import images

JOURNAL = Path(__file__).resolve().parent.parent / "journal"
PORTING = JOURNAL / "porting"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def imported_modules(path):
    """The modules ``path`` imports, ``from journal import forms`` as journal.forms."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_store_image_is_the_only_code_that_saves_to_storage():
    savers = [
        str(path.relative_to(JOURNAL.parent))
        for path in sorted(JOURNAL.rglob("*.py"))
        if "default_storage.save(" in path.read_text()
    ]
    assert savers == ["journal/porting/images.py"]


@pytest.fixture
def stored(monkeypatch):
    """The names stored through store_image, which still stores them."""
    names = []
    store = images.store_image

    def recording(name, data):
        names.append(store(name, data))
        return names[-1]

    monkeypatch.setattr(images, "store_image", recording)
    return names


def test_the_editor_upload_and_the_import_store_through_store_image(
    client, alice, stored, settings, tmp_path
):
    client.force_login(alice)
    response = client.post(
        reverse("journal:image_upload"), {"image": SimpleUploadedFile("a.png", png())}
    )
    assert response.json()["image_code"] == f"![]({settings.MEDIA_URL}{stored[0]})"

    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("2025-09-17-day.md", "Look:\n\n![sketch](sketch.png)\n")
        zipped.writestr("sketch.png", png())
    call_command(
        "import_posts", str(archive), user="alice", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert len(stored) == 2
    on_disk = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert sorted(p.relative_to(settings.MEDIA_ROOT).as_posix() for p in on_disk) == sorted(stored)


def test_the_porting_package_imports_no_forms_or_views():
    for path in PORTING.glob("*.py"):
        built_on_it = {
            name
            for name in imported_modules(path)
            if name.startswith(("journal.forms", "journal.views"))
        }
        assert not built_on_it, path.name


def test_no_two_porting_modules_import_each_other():
    imports = {
        f"journal.porting.{path.stem}": imported_modules(path) for path in PORTING.glob("*.py")
    }
    both_ways = {
        tuple(sorted((module, other)))
        for module, names in imports.items()
        for other in names & imports.keys()
        if module in imports[other]
    }
    assert both_ways == set()
