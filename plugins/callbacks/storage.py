"""The private storage of call recordings: never under MEDIA_ROOT, never given a public URL.

By default a FileSystemStorage rooted at ``settings.PRIVATE_MEDIA_ROOT`` (read at each access, so
a changed setting applies). With ``CALLBACKS_RECORDINGS_STORAGE = {"BACKEND": ..., "OPTIONS":
{...}}`` any Django storage backend is used instead, e.g. django-storages' S3Storage for an
S3-compatible bucket (keep the bucket private: recordings are streamed through our view only).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string


class PrivateFileSystemStorage(FileSystemStorage):
    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Recordings have no public URL; stream them through callbacks:recording.")


_default = PrivateFileSystemStorage()
_configured = {}


def private_storage():
    """The storage of recordings (a callable so models and migrations do not freeze it)."""
    config = getattr(settings, "CALLBACKS_RECORDINGS_STORAGE", None)
    if not config:
        return _default
    key = repr(sorted(config.items(), key=lambda item: item[0]))
    if key not in _configured:
        _configured[key] = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
    return _configured[key]
