"""The bundled demo dataset: believable territories (``alignment``), opportunities and
quotas (``sales``), assembled into a ``Dataset`` (``dataset``). Deterministic.

May import: ``storage``, ``metrics``, ``geo``. Never Dash or Flask.
"""
