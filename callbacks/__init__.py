"""Dash callbacks: one module per view, each with a ``register(app, service)``.

Registering through the app (``app.callback``) rather than ``dash.callback``
keeps callbacks from leaking between apps built in one process (tests).
"""
