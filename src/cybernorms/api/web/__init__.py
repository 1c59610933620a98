"""The web dashboard: server-rendered pages over the same service layer as the API.

``routes.router`` is mounted by ``api.app.create_app``; see docs/web.md for the pages. Jinja2
templates (``templates/``) and one stylesheet and script (``static/``) travel as package data;
no Node build step, nothing loaded from elsewhere.
"""
