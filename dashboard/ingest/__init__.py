"""Files in and out (DATA_FORMAT.md): cell parsers (``parsing``), reading CSV/XLSX files
(``reading``), the import rules checked a column at a time (``checks``), one import start
to finish (``service``), and writing the tables back out (``export``). The mapping step
turns CRM exports into those tables (``mapping``): what each file is (``recognise``), dates
in any order (``dates``), stages and currencies (``values``), flat exports and order lines
(``flat``) and where accounts are (``places``). The import API's call (``api_import``)
and its OpenAPI description (``api_spec``). The first-run path from accounts and deals
alone to territories, reps and quotas (``first_run``); alignment rows naming a whole
state or region (``areas``).

May import: ``storage``, ``geo``, ``i18n``. Never Dash or Flask.
"""
