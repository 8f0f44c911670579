"""Who may see and do what: the access rules as pure functions of a viewer and the
frames (``rules``), the scope every view and scenario operation is cut to
(``scope``), user accounts (``users``), the failed sign-in limit (``signin_limits``), and the
import API's service accounts and their tokens (``service_accounts``).

May import: ``storage``, ``metrics``, ``i18n``. Never Dash or Flask.
"""
