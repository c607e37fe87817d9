"""Read an untrusted file in a separate process, so that no file can take the server down.

`load_isolated(source, **options)` has `loaders.load`'s contract (one result per
file and sector, never raises for bad data) but runs the read in a child
process with a memory limit (RLIMIT_DATA) and a time limit. calamine is Rust: a
failed allocation aborts the whole process it runs in, and any parser may meet
a file that wants more memory or time than a tracker ever needs. In a child,
that costs only this read: the child dies, and the caller gets one file-level
French issue (`unsafe_read`); the Streamlit server and every other session go on.

Children come from a forkserver started once, with the loader modules already
imported (a read costs a fork, not a Python start). The multi-threaded
Streamlit server is never forked itself: the forkserver is a fresh process and
forks only itself. `loaders.load()` stays in-process for tests and trusted use.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import signal
import sys
import traceback
import zlib
from multiprocessing import forkserver, popen_forkserver, spawn, util
from multiprocessing.context import ForkServerProcess, reduction, set_spawning_popen

from domain.issue_catalogue import make_issue
from domain.tracker_schema import empty_frames
from loaders import limits
from loaders.tracker_loader import TrackerResult, load

# Imported once in the forkserver, so each child starts with them in memory.
_PRELOAD = ["loaders.tracker_loader", "loaders.workbook_reader", "loaders.xlsx_scan", "loaders.xlsx_sparse",
            "loaders.ods_scan", "loaders.isolated", "openpyxl.reader.excel"]
_CONTEXT = multiprocessing.get_context("forkserver")
# pandas' text columns live in Arrow, whose allocator maps its arenas on first use: done here, once, in the
# forkserver, so a child's memory limit counts what the read needs, not the allocator's first reservation.
empty_frames()
_CONTEXT.set_forkserver_preload(_PRELOAD)


class _Popen(popen_forkserver.Popen):
    """CPython 3.11's forkserver launch, less the parent's main module.

    multiprocessing would have each child import the parent's `__main__` again:
    under Streamlit that is the page script (dashboard.py), which must never run
    in a reading child. The child needs nothing from it: its target lives here.
    """

    def _launch(self, process_obj):
        prep_data = {key: value for key, value in spawn.get_preparation_data(process_obj._name).items()
                     if key not in ("init_main_from_name", "init_main_from_path")}
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _ReaderProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def warm_up() -> None:
    """Start the forkserver now (it imports the loaders in the background), not on the first upload."""
    forkserver.ensure_running()


def load_isolated(source, *, memory_bytes: int = limits.READ_MEMORY_BYTES, seconds: float = limits.READ_SECONDS,
                  **options) -> list[TrackerResult]:
    """`loaders.load(source, **options)` in a child process limited to `memory_bytes` more memory and `seconds`."""
    shown = options.get("filename") or str(source)
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _ReaderProcess(target=_read_in_child, args=(sender, source, options, memory_bytes, seconds), daemon=True)
    try:
        process.start()
    except OSError as exc:
        receiver.close()
        sender.close()
        return _refused(shown, f"le lecteur isolé n'a pas pu démarrer : {exc}")
    sender.close()  # the child holds the only writing end: its death reads as end of file
    status, payload = "time", None
    try:
        if receiver.poll(seconds):
            status, payload = receiver.recv()
    except (EOFError, OSError):
        status = "died"
    finally:
        receiver.close()
        process.join(0 if status == "time" else 5)  # a child that has answered ends at once
        if process.is_alive():
            process.kill()
            process.join()
        exit_code = process.exitcode
        process.close()
    if status == "ok":
        return payload
    if status == "bug":
        print(f"loaders.isolated: lecture de {shown!r} en erreur\n{payload}", file=sys.stderr)
        return _refused(shown, "le lecteur a rencontré une erreur inattendue")
    if status == "time":
        why = f"lecture arrêtée au bout de {seconds:g} secondes".replace(".", ",")
    elif status == "memory" or exit_code == -signal.SIGABRT:  # calamine aborts when an allocation fails
        why = f"lecture arrêtée : elle demandait plus de {limits.human_size(memory_bytes)} de mémoire"
    else:
        why = "le lecteur de classeurs s'est arrêté brutalement"
    ending = signal.Signals(-exit_code).name if exit_code and exit_code < 0 else f"code {exit_code}"
    print(f"loaders.isolated: lecture de {shown!r} refusée ({why} ; fin du processus : {ending})", file=sys.stderr)
    return _refused(shown, why)


def _refused(shown: str, why: str) -> list[TrackerResult]:
    return [TrackerResult(shown, None, empty_frames(), {}, {}, [make_issue("unsafe_read", value=why)])]


def _read_in_child(sender, source, options: dict, memory_bytes: int, seconds: float) -> None:
    _limit_self(memory_bytes, seconds)
    try:
        results = load(source, **options)
    except MemoryError:
        results = None
    except zlib.error as exc:  # Error -4 (Z_MEM_ERROR): inflating a member needed more than the limit
        if "-4" not in str(exc):
            sender.send(("bug", traceback.format_exc()))
            return
        results = None
    except Exception:
        sender.send(("bug", traceback.format_exc()))
        return
    if results is None:
        sender.send(("memory", None))
    else:
        sender.send(("ok", results))


def _limit_self(memory_bytes: int, seconds: float) -> None:
    """Past `memory_bytes` more data memory, allocations fail (MemoryError, or calamine aborts);
    past twice `seconds` of CPU (two reading threads), the kernel ends the process."""
    ceiling = _data_bytes() + memory_bytes
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, ceiling))
    cpu = int(2 * seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _data_bytes() -> int:
    """This process's data segment and private writable mappings now (what RLIMIT_DATA counts)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0
