"""Ranking 10 million rows within 20,000 groups: ccsa.rank against polars
rank().over() and pandas groupby().rank(), same data, same run.

Run: scripts/bench-python (builds the package in release mode into the
venv first). Prints a Markdown table with medians of 3 runs and ratios.
"""

import statistics
import sys
import time

import numpy as np
import pandas as pd
import polars as pl

import ccsa

PEERS = "--peers" in sys.argv  # rows for benches/peers/run's table
ARGS = [a for a in sys.argv[1:] if a != "--peers"]
N = int(ARGS[0]) if ARGS else 10_000_000
GROUPS = 20_000
RUNS = 3

rng = np.random.default_rng(2020)
# Points-like values with many ties, as in a leaderboard.
values = rng.integers(0, 3_000, N).astype(np.float64)
groups = rng.integers(0, GROUPS, N).astype(np.int64)


def timed(f):
    times = []
    out = None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def with_ccsa():
    return ccsa.rank(values, by=groups, method="min", descending=True)


df_pl = pl.DataFrame({"v": values, "g": groups})


def with_polars():
    return df_pl.select(pl.col("v").rank("min", descending=True).over("g"))["v"]


df_pd = pd.DataFrame({"v": values, "g": groups})


def with_pandas():
    return df_pd.groupby("g")["v"].rank(method="min", ascending=False)


t_ccsa, r_ccsa = timed(with_ccsa)
t_pl, r_pl = timed(with_polars)
t_pd, r_pd = timed(with_pandas)

mine = np.asarray(r_ccsa)
assert (mine == r_pl.to_numpy()).all(), "ccsa and polars disagree"
assert (mine == r_pd.to_numpy().astype(np.uint32)).all(), "ccsa and pandas disagree"

if PEERS:
    print(
        f"| rank {N:,} rows within {GROUPS:,} groups (median of {RUNS}) | `ccsa.rank`: {t_ccsa:.3f} s "
        f"| polars {pl.__version__} `rank().over()`: {t_pl:.3f} s | {t_pl / t_ccsa:.2f}× faster | ≥ 2× |"
    )
    print(
        f"| the same | `ccsa.rank`: {t_ccsa:.3f} s | pandas {pd.__version__} `groupby().rank()`: {t_pd:.3f} s "
        f"| {t_pd / t_ccsa:.2f}× faster | ≥ 8× |"
    )
    sys.exit(0)
print(f"| rank {N:,} rows within {GROUPS:,} groups (min method, descending), median of {RUNS} | seconds | ccsa is faster by |")
print("|---|---|---|")
print(f"| `ccsa.rank(values, by=groups)` | {t_ccsa:.3f} | |")
print(f"| polars {pl.__version__} `rank('min', descending=True).over('g')` | {t_pl:.3f} | {t_pl / t_ccsa:.2f}x |")
print(f"| pandas {pd.__version__} `groupby('g').rank(method='min', ascending=False)` | {t_pd:.3f} | {t_pd / t_ccsa:.2f}x |")
