"""Tables through the Arrow PyCapsule interface.

scripts/test-python runs the suite twice: first with neither pyarrow nor
polars installed (CCSA_EXPECT_ARROW=0: to_pylist and the capsule work on
their own), then with both and pandas (CCSA_EXPECT_ARROW=1).
"""

import importlib.util
import os

import pytest

import ccsa


def _open(url):
    """Opens a campaign store with the key scripts/test sealed it with."""
    key = os.environ.get("CCSA_STORE_KEY")
    return ccsa.Store.open(url, key=bytes.fromhex(key) if key else None)

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
    board = _open(f"sqlite://{path}").leaderboard()
    df = pl.DataFrame(board)
    assert df.height == len(board)
    assert df.schema["points"] == pl.Int64
    assert df["points"].sum() == sum(board.column("points"))
    # Ranks agree with ccsa.rank over the same points.
    assert ccsa.rank(df["points"].to_list()) == df["rank"].to_list()


def test_ranks_are_a_sequence():
    r = ccsa.rank([10, 30, 30, 20])
    assert r == [4, 1, 1, 3] and r.tolist() == [4, 1, 1, 3]
    assert len(r) == 4 and r[0] == 4 and r[-1] == 3
    assert list(r) == [4, 1, 1, 3]
    with pytest.raises(IndexError):
        r[4]
    assert type(r.__arrow_c_array__()[1]).__name__ == "PyCapsule"


@pytest.mark.skipif(EXPECT_ARROW != "1", reason="the run with pyarrow, polars and numpy")
def test_rank_reads_and_writes_arrays_without_lists():
    import numpy as np
    import polars as pl
    import pyarrow as pa

    v = np.array([10.0, 30.0, np.nan, 20.0, 5.0])
    g = np.array([1, 1, 1, 1, 2], dtype=np.int64)
    r = ccsa.rank(v, by=g)
    assert r == [3, 1, 4, 2, 1]
    a = np.asarray(r)
    assert a.dtype == np.uint32 and a.tolist() == [3, 1, 4, 2, 1]
    assert pa.array(r).type == pa.uint32()
    assert pl.Series(r).to_list() == [3, 1, 4, 2, 1]
    # Arrow inputs: pyarrow arrays (with a null ranking last) and polars series.
    assert ccsa.rank(pa.array([1.0, None, 3.0])) == [2, 3, 1]
    assert ccsa.rank(pl.Series([5, 7, 7], dtype=pl.Int64), method="dense") == [2, 1, 1]
    assert ccsa.rank(v[::2]) == [1, 3, 2], "strided arrays are converted, not misread"
    with pytest.raises(TypeError):
        ccsa.rank(pa.array(["a", "b"]))


@pytest.mark.skipif(EXPECT_ARROW != "1", reason="the run with pyarrow and polars")
def test_dates_and_instants_keep_their_types():
    import datetime

    import polars as pl
    import pyarrow as pa

    path = os.environ.get("CCSA_CAMPAIGN_DB")
    if not path:
        pytest.fail("CCSA_CAMPAIGN_DB is not set: run scripts/test")
    s = _open(f"sqlite://{path}")
    ledger = s.ledger(since="2020-06-01", until="2020-06-07")
    at = pa.table(ledger)
    assert at.schema.field("day").type == pa.date32()
    assert at.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert at.to_pylist() == ledger.to_pylist()
    df = pl.DataFrame(s.submissions(since="2020-06-01", until="2020-06-07"))
    assert df.schema["day"] == pl.Date
    assert df.schema["submitted_at"] == pl.Datetime("us", "UTC")
    assert df["day"].min() >= datetime.date(2020, 6, 1)
    # A week's points per org, the way an analyst would compute them.
    per_org = df.group_by("org").agg(pl.col("points").sum()).sort("org")
    assert per_org["points"].sum() == sum(ledger.column("points"))
    report = pl.DataFrame(s.monthly_report(2020, 6))
    assert report.height == 53 and report.schema["participation_rate"] == pl.Float64
