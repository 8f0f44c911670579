"""The mapping step's first rows as the page shows them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.ingest.mapping_page import _cell


@pytest.mark.parametrize(("value", "shown"), [
    (np.float64(101.1) + np.float64(406.61), "507.71"),  # 507.71000000000004 as stored
    (1200.0, "1200.0"),
    (2500.5, "2500.5"),
    (0.000123, "0.000123"),
    (float("nan"), ""),
    (pd.Timestamp("2025-03-15"), "2025-03-15"),
    ("Closed Won", "Closed Won"),
    (7, "7"),
])
def test_a_preview_cell_reads_as_the_value_stored(value, shown):
    assert _cell(value) == shown
