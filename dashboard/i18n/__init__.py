"""Language and money: which language and currency a request speaks and its French
words (``translation``, gettext catalogues under ``locale/``), and how numbers are
written for people (``formatting``).

May import: nothing else in ``dashboard``. Never Dash or Flask.
"""
