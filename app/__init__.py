"""OpenCall: grant and tender management for consortia of firms and research centres.

The application is built by `app.factory.create_app()`; importing a package of `app` loads no
framework, so pure `rules/` modules stay importable on their own.
"""
