"""Dash callbacks: one module per view, each with a ``register(app, service)``;
``pages`` is the registry of pages the app registers and routes from, and
``factories`` the two callbacks every ranked view shares.

Registering through the app (``app.callback``) rather than ``dash.callback``
keeps callbacks from leaking between apps built in one process (tests).
"""
