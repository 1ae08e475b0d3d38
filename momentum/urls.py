from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from journal.api.urls import api_urls

urlpatterns = [
    path("", include("journal.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api_urls()),
]


def serve_media(request, path):
    # MEDIA_ROOT is read per request, not when this module is imported, so tests that
    # point it at a temporary directory serve what they upload.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.MEDIA_URL.startswith("/"):
    # Uploaded images from local disk: every file there was re-encoded by the upload form
    # and named with its real format's extension, so its content type is right. With
    # DJANGO_MEDIA_URL pointing at object storage, the app serves no media at all.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>uploads/.+\.(?:png|jpg|webp))$",
            serve_media,
        )
    ]
