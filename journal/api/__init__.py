"""Momentum's JSON API, version 1, under /api/v1/ (docs/api.md).

Built with django-ninja: ``urls.py`` makes the API and its error bodies, ``auth.py`` reads
personal access tokens (the only place anything does), ``reading.py`` and ``writing.py``
hold the endpoints, ``schemas.py`` what they answer. Kept free of imports here, so that
the middleware can use ``errors`` without loading the API.
"""
