"""Who may see and do what: the access rules as pure functions of a viewer and the
frames (``rules``), the scope every view and scenario operation is cut to
(``scope``), user accounts (``users``), and the failed sign-in limit (``signin_limits``).

May import: ``storage``, ``metrics``, ``i18n``. Never Dash or Flask.
"""
