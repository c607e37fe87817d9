"""`streamlit run`, with one JSON line per script run appended to GPO_BENCH_RUN_LOG: session, start, wall and CPU time.

    GPO_BENCH_RUN_LOG=runs.jsonl python benchmarks/timed_server.py run dashboard.py --server.port 8600 …

The same server as `streamlit run` (Streamlit's own command line, in this
process); only `ScriptRunner._run_script` is wrapped. CPU time is the script
thread's own (`time.thread_time`), so a run that waited for a core shows a
wall time larger than its CPU time: the benchmark tells the server's work from
the waiting that ten browsers on the same two cores cause.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time


def install(log_path: str) -> None:
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script
    lock = threading.Lock()

    def timed(self, rerun_data):
        wall, cpu = time.time(), time.thread_time()
        try:
            return original(self, rerun_data)
        finally:
            line = {"session": self._session_id, "start": wall, "wall_s": time.time() - wall,
                    "cpu_s": time.thread_time() - cpu, "fragment": bool(rerun_data.fragment_id_queue)}
            with lock, open(log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(line) + "\n")

    ScriptRunner._run_script = timed


def main() -> None:
    install(os.environ["GPO_BENCH_RUN_LOG"])
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
