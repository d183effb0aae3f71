"""Tests of `benchmarks/recurrent_profile.py`'s reading of xprof's op table (no profiling)."""

import pytest

from benchmarks import recurrent_profile as profile


@pytest.mark.parametrize("op_type, kind", [
    ("_MklMatMul", "matrix products"),
    ("_MklNativeFusedMatMul", "matrix products"),
    ("BatchMatMulV2", "matrix products"),
    ("MatMul", "matrix products"),
    ("Sigmoid", "elementwise and gates"),
    ("TanhGrad", "elementwise and gates"),
    ("SelectV2", "elementwise and gates"),
    ("BiasAddGrad", "elementwise and gates"),
    ("ConcatV2", "loop and tensor plumbing"),
    ("TensorListGetItem", "loop and tensor plumbing"),
    ("While", "loop and tensor plumbing"),
    ("ResourceApplyAdam", "optimizer and variables"),
    ("ReadVariableOp", "optimizer and variables"),
    ("StatelessRandomNormalV2", "other"),
])
def test_op_kinds(op_type, kind):
    assert profile.kind_of(op_type) == kind


def _table(rows, columns=("host_or_device", "type", "operation", "total_self_time")):
    return {"cols": [{"id": c, "label": c, "type": "string"} for c in columns],
            "rows": [{"c": [{"v": v} for v in row]} for row in rows]}


def test_op_statistics_reads_host_ops_and_sums_by_kind():
    tables = [
        {"cols": [{"id": "summary"}], "rows": []},  # xprof's other tables are skipped
        _table([
            ("Host", "_MklMatMul", "encoder/matmul", 600.0),
            ("Host", "Sigmoid", "encoder/sigmoid", 250.0),
            ("Host", "ConcatV2", "encoder/concat", 100.0),
            ("Host", "IDLE", "IDLE", 5000.0),  # idle time is not op time
            ("Device", "_MklMatMul", "elsewhere", 999.0),  # not the host's executor
            ("Host", "ResourceApplyAdam", "adam", 50.0),
        ]),
    ]
    ops = profile.op_statistics(tables)
    assert [op["name"] for op in ops] == ["encoder/matmul", "encoder/sigmoid", "encoder/concat", "adam"]
    totals = profile.by_kind(ops)
    assert totals == {"matrix products": 600.0, "optimizer and variables": 50.0,
                      "loop and tensor plumbing": 100.0, "elementwise and gates": 250.0, "other": 0.0}
    assert profile.top_types(ops, 2) == [("_MklMatMul", 600.0), ("Sigmoid", 250.0)]


def test_op_statistics_without_an_op_table_names_the_columns_it_saw():
    with pytest.raises(ValueError, match=r"no op table.*\['summary'\]"):
        profile.op_statistics([{"cols": [{"id": "summary"}], "rows": []}])


def test_markdown_lists_every_kind_as_a_share():
    row = {"model": "LSTMVAE", "batch": 8, "step_ms": 2.0, "busy_fraction": 0.5,
           "shares": {"matrix products": 0.5, "optimizer and variables": 0.0,
                      "loop and tensor plumbing": 0.1, "elementwise and gates": 0.4, "other": 0.0},
           "matmul_gflops_in_profile": None, "top_types": [("_MklMatMul", 0.5)]}
    text = profile.markdown({"command": "cmd", "date": "today", "machine": {"cores": 2},
                             "total_seconds": 1.0, "rows": [row]})
    assert "| `LSTMVAE` | 8 | 2.0 | 50% | 50% | 0% | 10% | 40% | 0% | – |" in text
    assert "`_MklMatMul` 50%" in text
