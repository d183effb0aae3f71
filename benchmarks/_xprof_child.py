"""Runs in the xprof environment of `benchmarks/recurrent_profile.py`, not keras_vae's:
converts TensorFlow profiler captures (`*.xplane.pb`) into xprof's framework op statistics.

    python _xprof_child.py OUTPUT.json XPLANE.pb [XPLANE.pb ...]

Writes xprof's `framework_op_stats` tool data (a JSON list of Google Charts data tables,
the same data TensorBoard's profile plugin shows) to OUTPUT.json.
"""

import sys
from pathlib import Path

from xprof.convert import raw_to_tool_data


def main(output: str, *xplanes: str) -> None:
    data, _ = raw_to_tool_data.xspace_to_tool_data(list(xplanes), "framework_op_stats", {})
    if data is None:
        raise SystemExit(f"xprof produced no framework_op_stats for {xplanes}")
    Path(output).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


if __name__ == "__main__":
    main(*sys.argv[1:])
