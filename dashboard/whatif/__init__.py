"""What-if realignment: a scenario's changes and its frames (``changeset``), the
territories a draft touches (``draft_scope``), the editor's account and county lists,
proposed boundaries, before/after impact, side-by-side comparison, the auto-balance
search and its graph, and saved scenarios with optimistic locking and approval.

May import: ``metrics``, ``storage``, ``ingest``, ``geo``, ``i18n``, ``views``, ``access``
(the role names), ``design`` (the design engine, fed the counties by ``design_input``).
Never Dash or Flask.
"""
