"""SIGINT and SIGTERM: stop at once, cleanly, even while Z3 is busy.

Python runs a signal handler only between bytecodes of the main thread, never during a long Z3
call, and Z3 catches SIGINT itself during a check (which then returns "canceled" and the run
goes on as if nothing happened). So both signals are blocked in every thread -- threads and
child processes inherit the mask -- and one dedicated thread waits for them with ``sigwait``.
That thread touches no Z3 object. It removes the temp files being written (``atomic.abandon``,
which also stops new writes), stops the worker processes, prints one line and ends the process
with ``os._exit``: no finaliser runs, so no Z3 object is freed on the wrong thread, and nothing
buffered for stdout is written (a report is either whole or absent).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time

from ..proofs.atomic import abandon

SIGNALS = {signal.SIGINT: 130, signal.SIGTERM: 143}  # exit code 128 + signal number
GRACE = 2.0  # seconds a worker gets to end on SIGTERM before SIGKILL
BACKSTOP = 10.0  # the process ends this long after the signal, whatever the cleanup is doing

stopping = threading.Event()


def install() -> bool:
    """Block SIGINT / SIGTERM and start the thread that handles them. Call before any other
    thread or child process starts (they inherit the mask). False where not supported."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, set(SIGNALS))
    threading.Thread(target=_wait, name="polity-signals", daemon=True).start()
    return True


def settle() -> None:
    """In the main thread, before reporting an error or exiting: if a signal is being handled,
    whatever went wrong is its consequence (a worker stopped under a pool); wait for the
    handler to end the process instead of printing anything."""
    if stopping.is_set():
        threading.Event().wait()


def _wait() -> None:
    signum = signal.sigwait(set(SIGNALS))
    stop(signal.Signals(signum))


def stop(sig: signal.Signals) -> None:
    """End the process as ``sig`` asks: temp files removed, workers stopped, one line."""
    code = SIGNALS.get(sig, 128 + int(sig))
    gc.disable()  # this thread allocates now: it must never finalise a Z3 object of the main thread
    stopping.set()
    backstop = threading.Timer(BACKSTOP, os._exit, (code,))
    backstop.daemon = True
    backstop.start()
    abandon()
    _stop_workers()
    # on a terminal the progress display holds the current line and hides the cursor
    start = "\x1b[?25h\n" if sys.stderr.isatty() else ""
    with contextlib.suppress(OSError):
        os.write(2, f"{start}error: stopped by {sig.name}; no report was written\n".encode())
    os._exit(code)


def _stop_workers() -> None:
    """SIGTERM to every worker, SIGKILL to any still alive after GRACE; then let
    multiprocessing release its semaphores, as it does at a normal exit, so its resource
    tracker (which ends when this process does) has nothing left to complain about."""
    workers = multiprocessing.active_children()
    for p in workers:
        with contextlib.suppress(OSError, ValueError):
            p.terminate()
    deadline = time.monotonic() + GRACE
    for p in workers:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in workers:
        if p.is_alive():
            with contextlib.suppress(OSError, ValueError):
                p.kill()
            p.join(1.0)
    with contextlib.suppress(Exception):
        from multiprocessing import util

        util._run_finalizers(0)  # type: ignore[attr-defined]
