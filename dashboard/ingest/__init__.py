"""Files in and out (DATA_FORMAT.md): cell parsers (``parsing``), reading CSV/XLSX files
(``reading``), the import rules checked a column at a time (``checks``), one import start
to finish (``service``), and writing the tables back out (``export``).

May import: ``storage``, ``geo``, ``i18n``. Never Dash or Flask.
"""
