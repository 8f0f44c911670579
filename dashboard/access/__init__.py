"""Who may see and do what: the access rules as pure functions of a viewer and the
frames (``rules``), user accounts (``users``), and the failed sign-in limit (``signin_limits``).

May import: ``storage``, ``i18n``. Never Dash or Flask.
"""
