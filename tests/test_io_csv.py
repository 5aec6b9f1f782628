"""CSV logs read with pyarrow (issue 17 items 4 and 8): header after a preamble, real line
numbers in messages, a cut last line, type changes between blocks, progress."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import vegafigs.io as vio
import vegafigs.io._csv as csvmod
from vegafigs.errors import LoadError


def test_header_after_comments_text_and_blank_lines(tmp_path):
    p = tmp_path / "progress.csv"
    p.write_text(
        "Logging to /tmp/sb3/run_1\n"
        "Using cuda device, seed 0\n"
        "\n"
        "# written by hand\n"
        "step,reward,loss\n"
        "1,0.5,2.0\n"
        "\n"
        "2,0.7,oops\n"
    )
    with pytest.raises(LoadError, match=r"progress\.csv.*line 8, column 'loss'.*'oops'"):
        vio.load(p)
    p.write_text(p.read_text().replace("oops", "1.5"))
    df = vio.load(p)
    assert df[df.metric == "reward"].value.tolist() == [0.5, 0.7]
    assert df.step.tolist() == [1, 2, 1, 2] and df.metric.tolist() == ["loss"] * 2 + ["reward"] * 2


def test_sb3_monitor_style_comment_line(tmp_path):
    p = tmp_path / "0.monitor.csv"
    p.write_text(
        '#{"t_start": 1700000000.0, "env_id": "CartPole-v1"}\nr,l,t\n12.0,12,0.01\n30.0,30,0.05\n'
    )
    df = vio.load_csv(p, step="t")
    assert sorted(set(df.metric)) == ["l", "r"]
    assert df[df.metric == "r"].value.tolist() == [12.0, 30.0]


def test_header_only_and_only_comments(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("# note\nstep,loss\n")
    with pytest.raises(LoadError, match=r"h\.csv.*no rows.*line 2"):
        vio.load(p)
    p.write_text("# note\n\n# more\n")
    with pytest.raises(LoadError, match=r"h\.csv.*no header line"):
        vio.load(p)


@pytest.mark.parametrize(
    "tail",
    ["3,0.", "3", "3,1e", "3,0.3,", ""],
    ids=["cut-mid-number-ok", "fewer-fields", "cut-exponent", "extra-empty", "none"],
)
def test_cut_last_line(tmp_path, tail):
    """Training killed mid-write: a last line without a line end that does not parse is dropped."""
    p = tmp_path / "run.csv"
    p.write_text("step,loss\n1,0.5\n2,0.4\n" + tail)
    if tail in ("3", "3,1e"):
        with pytest.warns(UserWarning, match=r"run\.csv.*line 4.*cut short.*dropped"):
            df = vio.load(p)
        assert df.step.tolist() == [1, 2]
    elif tail == "3,0.3,":
        with pytest.raises(LoadError, match=r"run\.csv.*line 4: more fields than the header's 2"):
            vio.load(p)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            df = vio.load(p)
        assert df.step.tolist() == ([1, 2, 3] if tail else [1, 2])


def test_ragged_line_elsewhere_names_its_line(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("# c\nstep,loss,acc\n1,0.5,0.1\n\n2,0.4\n3,0.3,0.2\n")
    with pytest.raises(
        LoadError, match=r"r\.csv.*line 5: fewer fields than the header's 3.*'2,0\.4'"
    ):
        vio.load(p)
    p.write_text("step,loss\n1,0.5\n2,0.4\n3\n")  # ends with a line end: not a cut write
    with pytest.raises(
        LoadError, match=r"r\.csv.*line 4: fewer fields than the header's 2 \(step, loss"
    ):
        vio.load(p)


def test_type_change_between_blocks(tmp_path, monkeypatch):
    """A column empty (or integer) in the first block and not later is still read right."""
    monkeypatch.setattr(csvmod, "BLOCK_BYTES", 256)
    p = tmp_path / "b.csv"
    rows = [f"{i},,{i}" for i in range(200)] + ["200,0.5,7.5", "201,0.25,8"]
    p.write_text("step,eval_reward,n\n" + "\n".join(rows) + "\n")
    df = vio.load(p)
    ev = df[df.metric == "eval_reward"]
    assert ev.step.tolist() == [200, 201] and ev.value.tolist() == [0.5, 0.25]
    assert df[df.metric == "n"].value.iloc[-2:].tolist() == [7.5, 8.0]
    p.write_text("step,eval_reward,n\n" + "\n".join(rows) + "\n202,bad,9\n")
    with pytest.raises(LoadError, match=r"b\.csv.*line 204, column 'eval_reward'.*'bad'"):
        vio.load(p)


def test_tsv_bom_trailing_comma_and_quoted_header(tmp_path):
    t = tmp_path / "a.tsv"
    t.write_text("step\tloss\n1\t0.5\n")
    assert vio.load(t).value.tolist() == [0.5]
    b = tmp_path / "b.csv"
    b.write_bytes(b"\xef\xbb\xbfstep,loss,\n1,0.5,\n2,0.4,\n")
    assert vio.load(b).value.tolist() == [0.5, 0.4]
    b.write_text("step,loss,\n1,0.5,9\n")
    with pytest.raises(LoadError, match=r"b\.csv.*column 3 has no name"):
        vio.load(b)
    q = tmp_path / "q.csv"
    q.write_text('"step","loss"\n"1","0.5"\n')
    assert vio.load(q).value.tolist() == [0.5]


def test_values_nan_inf_and_spaces(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text("step, loss ,acc\n1, 0.5,inf\n2,nan,-inf\n3,,NaN\n")
    df = vio.load(p)
    assert df[df.metric == "loss"].value.tolist() == [0.5]
    assert df[df.metric == "acc"].value.tolist() == [np.inf, -np.inf]


def test_text_column_is_not_a_metric(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("step,loss,note\n1,0.5,warmup\n2,0.4,\n")
    assert set(vio.load(p).metric) == {"loss"}


def test_progress_reports_every_byte(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text("# c\nstep,loss\n" + "".join(f"{i},{i / 7:.6f}\n" for i in range(5000)))
    seen: list[int] = []
    df = vio.load_csv(p, progress=seen.append)
    assert len(df) == 5000 and sum(seen) == p.stat().st_size


def test_wide_and_long_tidy_order_and_types(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("step,zeta,alpha\n3,1,10\n1,2,20\n2,3,30\n")
    df = vio.load_csv(p)
    assert df.metric.tolist() == ["alpha"] * 3 + ["zeta"] * 3
    assert df.step.tolist() == [1, 2, 3, 1, 2, 3]
    assert df.value.tolist() == [20.0, 30.0, 10.0, 2.0, 3.0, 1.0]
    assert df.step.dtype == np.int64 and df.value.dtype == np.float64
    long = tmp_path / "l.csv"
    long.write_text("run,step,metric,value\nb,1,kl,0.2\na,1,kl,0.1\na,0,kl,0.0\n")
    out = vio.load_csv(long)
    assert out.run.tolist() == ["a", "a", "b"] and out.step.tolist() == [0, 1, 1]


def test_pandas_index_column_is_dropped(tmp_path):
    import pandas as pd

    p = tmp_path / "i.csv"
    pd.DataFrame({"step": [10, 20, 30], "loss": [0.3, 0.2, 0.1]}).to_csv(p)  # index=True
    df = vio.load(p)
    assert set(df.metric) == {"loss"} and df.step.tolist() == [10, 20, 30]
    p.write_text(",step,loss\n5,10,0.3\n")
    with pytest.raises(LoadError, match=r"i\.csv.*line 1: column 1 has no name"):
        vio.load(p)
