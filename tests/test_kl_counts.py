"""The KL spaghetti's numbers equal the seed script's (seed 004), checked against an oracle.

``_oracle`` re-implements, in this test only, how the seed's matplotlib script reads
the run folders and counts per alpha: n, died, censored, each drawn trajectory's
alive mask, the median line and the shared y maximum. vegafigs' loader + transforms
must give the same numbers on generated folders, edge cases included.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vegafigs import demo
from vegafigs.io import load_kl_runs
from vegafigs.transforms.kl import kl_alive_summary, kl_median, kl_states, kl_ymax
from vegafigs.transforms.states import alive_mask

ALPHAS = ("0.0", "0.5", "1.0", "4.0")


# ---------------------------------------------------------------- the oracle (seed logic)
def _oracle_cell(d: Path, alpha: str):
    if not all((d / f).exists() for f in ("calib.json", "trajectory.json", "pmass.json")):
        return []
    traj = json.loads((d / "trajectory.json").read_text())
    pm = json.loads((d / "pmass.json").read_text())
    if not pm.get("computed", True):
        return []
    fork = pm["fork_points"]
    kls = traj.get("per_prompt_per_t_kl", {}).get(alpha, [])
    pms = pm.get("pmass_eval", {}).get(alpha, [])
    gls = pm.get("gen_lens_eval", {}).get(alpha, [])
    if not kls or not pms:
        return []
    out = []
    for i, (kl, pv) in enumerate(zip(kls, pms)):  # noqa: B905 - the seed zips loosely
        gl = int(gls[i]) if i < len(gls) else len(kl)
        out.append((np.asarray(kl, dtype=float), np.asarray(pv, dtype=float), fork, gl))
    return out


def _oracle_alive(pv, fork, T, threshold, gl):
    rmin = np.minimum.accumulate(np.where(np.isnan(pv), np.inf, pv))
    dead = rmin < threshold
    forks = np.array(fork)
    alive = np.ones(T, dtype=bool)
    for t in range(min(T, gl)):
        k = int(np.searchsorted(forks, t, side="right") - 1)
        if k >= 0 and dead[k]:
            alive[t] = False
    return alive


def _oracle_roll(x, w):
    if w <= 1 or len(x) < w:
        return x
    xp = np.pad(x, w // 2, mode="edge")
    return np.convolve(xp, np.ones(w, dtype=float) / w, mode="valid")[: len(x)]


def _oracle_ymax(values):
    v = np.asarray([x for x in values if np.isfinite(x) and x >= 0.0], dtype=float)
    return 1.1 if v.size == 0 else float(max(1e-3, np.nanpercentile(v, 99) * 1.4))


def _oracle(root, *, alphas, model, window=512, threshold=0.8, roll=65, normalize=True, calib=20):
    cells = [d for d in sorted(Path(root).iterdir()) if d.is_dir() and not d.name.startswith("_")]
    cells = [d for d in cells if model in d.name]
    summary, masks, medians, visible_all = [], [], {}, []
    for alpha in alphas:
        trajs = [t for d in cells for t in _oracle_cell(d, alpha)]
        n_died = n_cens = 0
        rows, panel_masks = [], []
        for kl, pv, fork, gl in trajs:
            T = min(len(kl), gl)
            kl = _oracle_roll(kl[:T], roll)
            if normalize:
                head = kl[: min(calib, len(kl))]
                head = head[np.isfinite(head)]
                denom = float(np.nanpercentile(head, 95)) if head.size else float("nan")
                if not (np.isfinite(denom) and denom > 1e-8):
                    continue
                kl = kl / denom
            visible_all.extend(float(x) for x in kl if np.isfinite(x))
            rows.append(np.pad(kl, (0, max(0, window - T)), constant_values=np.nan)[:window])
            alive = _oracle_alive(pv, fork, T, threshold, gl)
            if T < 2:
                continue
            panel_masks.append(alive)
            n_died += int(not alive.all())
            n_cens += int(gl < window)
        masks.append(panel_masks)
        if rows:
            mat = np.asarray(rows)
            cols = np.where(np.isfinite(mat).any(axis=0))[0]
            if cols.size:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    med = np.nanmedian(mat[:, : cols[-1] + 1], axis=0)
                medians[alpha] = med + 1e-4 if np.nanmax(np.abs(med)) < 1e-6 else med
        summary.append({"alpha": alpha, "n": len(trajs), "n_died": n_died, "n_censored": n_cens})
    return summary, masks, medians, _oracle_ymax(visible_all)


# ---------------------------------------------------------------- folders with edge cases
def _write_cell(root: Path, name: str, *, kl, pmass, gen_lens, forks, computed=True, files=None):
    cell = root / name
    cell.mkdir(parents=True)
    docs = {
        "calib.json": {"ok": True},
        "trajectory.json": {"per_prompt_per_t_kl": kl},
        "pmass.json": {
            "computed": computed,
            "fork_points": forks,
            "pmass_eval": pmass,
            "gen_lens_eval": gen_lens,
        },
    }
    for fname, doc in docs.items():
        if files is None or fname in files:
            (cell / fname).write_text(json.dumps(doc))


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory):
    """Demo cells plus hand-made cells covering the seed's edge cases."""
    root = tmp_path_factory.mktemp("runs")
    demo.kl_runs(root, seed=3, alphas=ALPHAS, n_cells=2, prompts_per_cell=6, n_tokens=160)
    rng = np.random.default_rng(11)
    forks = [0, 8, 16, 40, 90]
    kl, pm, gl = {}, {}, {}
    for alpha in ALPHAS:
        a = float(alpha)
        kl[alpha] = [
            list(a * rng.gamma(2.0, 0.5, 150)),  # gen_len shorter than KL
            list(a * rng.gamma(2.0, 0.5, 30)),  # shorter than roll (no smoothing), KL < gen_len
            [a * 0.7],  # a single token: counts in n only
            [],  # no tokens
            list(a * rng.gamma(2.0, 0.5, 120)),  # NaN pmass, then dead
            list(np.r_[np.zeros(25), a * rng.gamma(2.0, 0.5, 100)]),  # zero head: no scale
            list(a * rng.gamma(2.0, 0.5, 100)),  # dies after its gen_len: alive
            list(a * rng.gamma(2.0, 0.5, 100)),  # KL shorter than a gen_len > window
        ]
        pm[alpha] = [
            [0.95, 0.9, 0.85, 0.7, 0.9],
            [0.9, 0.5, 0.9, 0.9, 0.9],
            [0.1, 0.1, 0.1, 0.1, 0.1],
            [0.9, 0.9, 0.9, 0.9, 0.9],
            [None, 0.9, None, 0.79, 0.95],
            [0.9, 0.9, 0.9, 0.9, 0.9],
            [0.9, 0.9, 0.9, 0.9, 0.2],
            [0.9, 0.8, 0.9, 0.8, 0.9],  # exactly at the threshold: alive
        ]
        gl[alpha] = [60, 45, 1, 0, 120, 125, 80, 600]
    _write_cell(root, "Qwen3.5-0.8B__edge", kl=kl, pmass=pm, gen_lens=gl, forks=forks)
    # No gen_lens for one alpha (falls back to len(kl)); another alpha missing entirely.
    _write_cell(
        root,
        "Qwen3.5-0.8B__nolens",
        kl={"1.0": [list(rng.gamma(2.0, 0.5, 70)), list(rng.gamma(2.0, 0.5, 90))]},
        pmass={"1.0": [[0.9, 0.6, 0.9, 0.9, 0.9], [0.9] * 5]},
        gen_lens={},
        forks=forks,
    )
    _write_cell(
        root, "Qwen3.5-0.8B__uncomputed", kl=kl, pmass=pm, gen_lens=gl, forks=forks, computed=False
    )
    _write_cell(
        root, "Qwen3.5-0.8B__nocalib", kl=kl, pmass=pm, gen_lens=gl, forks=forks,
        files={"trajectory.json", "pmass.json"},
    )  # fmt: skip
    return root


def _ours(root, *, normalize=True, roll=65, window=512, threshold=0.8):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = load_kl_runs(root, alphas=ALPHAS, model_contains=demo.KL_MODEL)
    tokens, per_traj = kl_states(
        runs.trajectories, runs.kl, runs.pmass, window=window, threshold=threshold, roll=roll,
        normalize_kl=normalize,
    )  # fmt: skip
    return runs, tokens, per_traj


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"normalize": False},
        {"roll": 1},
        {"roll": 20, "window": 100, "threshold": 0.85},
    ],
    ids=["default", "raw-kl", "no-smoothing", "short-window"],
)
def test_counts_masks_median_and_ymax_match_the_seed(runs_root, options):
    runs, tokens, per_traj = _ours(runs_root, **options)
    expected, masks, medians, ymax = _oracle(
        runs_root,
        alphas=ALPHAS,
        model=demo.KL_MODEL,
        window=options.get("window", 512),
        threshold=options.get("threshold", 0.8),
        roll=options.get("roll", 65),
        normalize=options.get("normalize", True),
    )
    summary = kl_alive_summary(per_traj, alphas=ALPHAS)
    assert summary.to_dict("records") == expected
    for alpha, panel_masks in zip(ALPHAS, masks, strict=True):
        drawn = per_traj[(per_traj["alpha"] == alpha) & per_traj["drawn"]]["traj"]
        ours = [tokens.loc[tokens["traj"] == k, "alive"].to_numpy() for k in drawn]
        assert len(ours) == len(panel_masks)
        for a, b in zip(ours, panel_masks, strict=True):
            np.testing.assert_array_equal(a, b)
    med = kl_median(tokens, window=options.get("window", 512))
    assert sorted(set(med["alpha"])) == sorted(medians)
    for alpha, values in medians.items():
        np.testing.assert_array_equal(med.loc[med["alpha"] == alpha, "median"], values)
    assert kl_ymax(tokens["kl"].to_numpy()) == ymax


def test_the_edge_cases_are_exercised(runs_root):
    runs, tokens, per_traj = _ours(runs_root)
    edge = per_traj[per_traj["cell"] == "Qwen3.5-0.8B__edge"]
    assert edge["skipped"].any() and (edge["skipped"] & (edge["alpha"] != "0.0")).any()
    assert (~edge["skipped"] & ~edge["drawn"]).any()  # the single-token trajectory
    assert edge["died"].any() and edge["censored"].any()
    assert set(per_traj.loc[per_traj["alpha"] == "0.0", "skipped"]) == {True}
    nolens = per_traj[per_traj["cell"] == "Qwen3.5-0.8B__nolens"]
    assert nolens["gen_len"].tolist() == [70, 90] and set(nolens["alpha"]) == {"1.0"}
    assert not per_traj["cell"].str.contains("uncomputed|nocalib|Other|_scratch").any()


@settings(max_examples=60, deadline=None)
@given(
    pm=st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=0, max_size=8).flatmap(
        lambda p: st.tuples(
            st.just(p),
            st.lists(st.integers(0, 40), min_size=len(p), max_size=len(p)).map(sorted),
        )
    ),
    n_tokens=st.integers(0, 50),
    threshold=st.floats(0.05, 0.95),
)
def test_alive_mask_equals_the_seed_loop(pm, n_tokens, threshold):
    values, forks = pm
    ours = alive_mask(values, forks, n_tokens=n_tokens, threshold=threshold)
    seed = _oracle_alive(np.asarray(values, dtype=float), forks, n_tokens, threshold, n_tokens)
    np.testing.assert_array_equal(ours, seed)
    # Death is permanent.
    if (~ours).any():
        assert not ours[int(np.argmin(ours)) :].any()


def test_figure_data_equal_the_seed(runs_root):
    """What kl_spaghetti reports it drew (fig.data) is the seed's numbers."""
    from vegafigs.figures import kl_spaghetti

    runs, tokens, per_traj = _ours(runs_root)
    expected, masks, medians, _ = _oracle(runs_root, alphas=ALPHAS, model=demo.KL_MODEL)
    fig = kl_spaghetti(runs, width_in=12, height_in=3)
    assert fig.data["summary"].to_dict("records") == expected
    med = fig.data["median"]
    for alpha, values in medians.items():
        np.testing.assert_array_equal(med.loc[med["alpha"] == alpha, "median"], values)
    paths = fig.data["paths"]
    for alpha, panel_masks in zip(ALPHAS, masks, strict=True):
        part = paths[paths["alpha"] == alpha]
        alive = [g["state"].eq("alive").to_numpy() for _, g in part.groupby("traj", sort=True)]
        assert len(alive) == len(panel_masks)
        for a, b in zip(alive, panel_masks, strict=True):
            np.testing.assert_array_equal(a, b)
    eos = fig.data["eos"]
    assert len(eos) == int(per_traj["censored"].sum())
