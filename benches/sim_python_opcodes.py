"""The simulator's Python per request, function by function: bytecode instructions executed
(``sys.settrace`` with opcode events) while ``sim_runner_requests.py``'s run moves the clock
(each core replaying its first answer), per request, with the calls per request. Exact and
repeatable (no sampling, no machine noise), and it names the functions callgrind cannot see
inside the interpreter; slow (tracing), so use a few thousand requests.

    python benches/sim_python_opcodes.py 6000 [TOP]
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sim_runner_requests

from edgert.host import virtual

opcodes: collections.Counter[CodeType] = collections.Counter()
calls: collections.Counter[CodeType] = collections.Counter()


def tracer(frame: FrameType, event: str, arg: Any) -> Any:
    if event == "call":
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        calls[frame.f_code] += 1
    elif event == "opcode":
        opcodes[frame.f_code] += 1
    return tracer


def main(n: int, top: int) -> None:
    run = virtual.VirtualTimeHost.run

    def traced(self: Any, until: float | None = None) -> None:
        sys.settrace(tracer)
        try:
            run(self, until)
        finally:
            sys.settrace(None)

    virtual.VirtualTimeHost.run = traced  # type: ignore[method-assign]
    sim_runner_requests.main(n)
    print(f"{sum(opcodes.values()) / n:.0f} opcodes per request")
    print("opcodes  calls  function (per request)")
    for code, count in opcodes.most_common(top):
        where = f"{Path(code.co_filename).name}:{code.co_firstlineno}"
        print(f"{count / n:7.1f} {calls[code] / n:6.2f}  {code.co_qualname} ({where})")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 30)
