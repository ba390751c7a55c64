"""Tables through the Arrow PyCapsule interface.

scripts/test-python runs the suite twice: first with neither pyarrow nor
polars installed (CCSA_EXPECT_ARROW=0: to_pylist and the capsule work on
their own), then with both and pandas (CCSA_EXPECT_ARROW=1).
"""

import importlib.util
import os

import pytest

import ccsa

EXPECT_ARROW = os.environ.get("CCSA_EXPECT_ARROW")


def test_the_environment_is_the_one_announced():
    if EXPECT_ARROW is None:
        pytest.fail("CCSA_EXPECT_ARROW is not set: run scripts/test-python")
    installed = importlib.util.find_spec("pyarrow") is not None
    assert installed == (EXPECT_ARROW == "1")


def test_capsule_and_rows_need_no_third_party_package():
    t = ccsa.check_phones(["13800138000", "123"])
    capsule = t.__arrow_c_stream__()
    assert type(capsule).__name__ == "PyCapsule"
    assert t.to_pylist()[1]["code"] == "PHONE_INVALID"


@pytest.mark.skipif(EXPECT_ARROW != "1", reason="the run with pyarrow and polars")
def test_pyarrow_polars_and_pandas_read_tables():
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    t = ccsa.check_phones(["13800138000", "123", None])
    at = pa.table(t)
    assert at.column_names == t.columns
    assert at.to_pylist() == t.to_pylist()
    assert at.schema.field("ok").type == pa.bool_()
    assert at.schema.field("code").type == pa.string()
    df = pl.DataFrame(t)
    assert df.columns == t.columns
    assert df.height == 3
    assert df["code"].to_list() == t.column("code")
    frame = at.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["ok"]) == [True, False, False]


@pytest.mark.skipif(EXPECT_ARROW != "1", reason="the run with pyarrow and polars")
def test_campaign_leaderboard_as_polars():
    import polars as pl

    path = os.environ.get("CCSA_CAMPAIGN_DB")
    if not path:
        pytest.fail("CCSA_CAMPAIGN_DB is not set: run scripts/test")
    board = ccsa.Store.open(f"sqlite://{path}").leaderboard()
    df = pl.DataFrame(board)
    assert df.height == len(board)
    assert df.schema["points"] == pl.Int64
    assert df["points"].sum() == sum(board.column("points"))
    # Ranks agree with ccsa.rank over the same points.
    assert ccsa.rank(df["points"].to_list()) == df["rank"].to_list()
