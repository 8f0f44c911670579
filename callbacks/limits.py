"""The largest request bodies the app accepts, by route and role (enforced by
``callbacks/hardening.py`` before a body is read; ``UPLOAD_FILE_LIMIT`` also
bounds each file of the import page's ``dcc.Upload``)."""

KB, MB = 1024, 1024 * 1024
#: the sign-in, sign-out and language forms: a few fields
FORM_LIMIT = 16 * KB
#: an ordinary callback: its inputs and states (the rows of a grid sent back
#: for its XLSX export are the largest)
CALLBACK_LIMIT = 4 * MB
#: one file dropped on the import page
UPLOAD_FILE_LIMIT = 16 * MB
#: a leader's callback, which may carry the import's files as base64 (4/3
#: larger than the files): 96 MB holds about 70 MB of files
IMPORT_BODY_LIMIT = 96 * MB
#: a call of the import API (``POST /api/v1/imports``): its files as they are
#: (multipart, not base64), as much as a leader's upload carries
API_IMPORT_LIMIT = IMPORT_BODY_LIMIT
