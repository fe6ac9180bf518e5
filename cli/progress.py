"""Progress on stderr: which question runs, for how long, against which limit.

The live display redraws from a thread of its own (rich's refresh thread; the heartbeat of the
machine formats). Python's cyclic garbage collector runs in whichever thread happens to
allocate, so a Z3 object caught in a reference cycle could be finalised there (``Z3_dec_ref``,
``Z3_del_context``) while the main thread is inside a Z3 call: the segmentation fault of
issue 14. Two rules keep Z3 objects on the main thread: the display only ever holds plain
strings and numbers, and automatic collection is off while a command reports progress: the main
thread collects at each report instead (``main_thread_gc``). That schedule is the same whatever
the display (live, lines, heartbeat or none): when Z3 objects are freed changes how Z3 reuses
memory and so, measurably, which witness it finds; a terminal must not give another trace than a
pipe.

On a terminal the display is a live line; elsewhere one plain line per question started and
finished, and for the machine formats (JSON, JUnit, SARIF on stdout) a heartbeat line on stderr
at most every ``HEARTBEAT`` seconds, so a CI log never sits silent for minutes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

from .output import visible

HEARTBEAT = 30.0  # seconds between heartbeat lines of the machine formats


@contextlib.contextmanager
def main_thread_gc() -> Iterator[None]:
    """Automatic collection off; the main thread collects at each report and on leaving."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def interactive(console: Console) -> bool:
    return console.is_terminal and not os.environ.get("CI")


def _seconds(s: float) -> str:
    s = int(s)
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else f"{s} s"


@dataclass
class Running:
    label: str
    limit: str
    since: float = field(default_factory=time.monotonic)


class Progress:
    """What the main thread reports: ``start`` a question, ``finish`` it (``note`` for free text).

    Only the main thread calls these methods; the drawing thread reads the ``_running`` snapshot
    (plain data under a lock) and never calls back into Polity.
    """

    def __init__(self, console: Console, mode: str, total: int | None = None) -> None:
        self.console, self.mode, self.total = console, mode, total  # mode: live | lines | heartbeat | off
        self.done = 0
        self._running: dict[object, Running] = {}
        self._last = ""
        self._lock = threading.Lock()
        self._last_line = time.monotonic()

    # --- called by the main thread
    def start(self, key: object, label: str, limit: str = "") -> None:
        with self._lock:
            self._running[key] = Running(label, limit)
        if self.mode == "lines":
            self._line(f"{self._count()}{label} ...")
        self._collect()

    def finish(self, key: object, outcome: str = "") -> None:
        with self._lock:
            run = self._running.pop(key, None)
            self.done += 1
        label = run.label if run else str(key)
        took = f" ({_seconds(time.monotonic() - run.since)})" if run else ""
        self._last = f"{label}: {outcome}" if outcome else label
        if self.mode == "lines":
            self._line(f"{self._count(self.done)}{self._last}{took}")
        self._collect()

    def more(self, n: int) -> None:
        with self._lock:
            self.total = (self.total or 0) + n

    def note(self, label: str, limit: str = "") -> None:
        """A question with no separate end: it runs until the next note."""
        with self._lock:
            self._running.clear()
            self._running[None] = Running(label, limit)
        if self.mode == "lines":
            self._line(label)
        self._collect()

    # --- read by the drawing thread (plain strings only)
    def render(self) -> Text:
        with self._lock:
            running = list(self._running.values())
        now = time.monotonic()
        parts = [f"{r.label} ({_seconds(now - r.since)}" + (f" of {r.limit})" if r.limit else ")")
                 for r in running]
        head = f"[{self.done}/{self.total}] " if self.total else ""
        return Text(visible(head + ("; ".join(parts) if parts else self._last or "starting")), no_wrap=True,
                    overflow="ellipsis")

    def heartbeat_line(self) -> str:
        return f"still working: {self.render().plain}"

    def _count(self, n: int | None = None) -> str:
        if not self.total:
            return ""
        return f"[{n}/{self.total}] " if n is not None else f"[{self.done + 1}/{self.total}] "

    def _line(self, text: str) -> None:
        self.console.print(text, markup=False, emoji=False, highlight=False)
        self._last_line = time.monotonic()

    def _collect(self) -> None:
        gc.collect()  # at the same points in every display mode (tens of ms: a question takes more)


@contextlib.contextmanager
def progress(console: Console, enabled: bool, total: int | None = None,
             machine: bool = False) -> Iterator[Progress]:
    """The display that fits the terminal: live on a tty, lines elsewhere, heartbeat for JSON."""
    with main_thread_gc():
        with _display(console, enabled, total, machine) as shown:
            yield shown


@contextlib.contextmanager
def _display(console: Console, enabled: bool, total: int | None, machine: bool) -> Iterator[Progress]:
    if not enabled and not machine:
        yield Progress(console, "off", total)
        return
    if enabled and interactive(console):
        from rich.live import Live

        p = Progress(console, "live", total)
        with Live(console=console, transient=True, refresh_per_second=4, redirect_stdout=False,
                  redirect_stderr=False, get_renderable=p.render):
            yield p
        return
    if enabled:
        yield Progress(console, "lines", total)
        return
    p = Progress(console, "heartbeat", total)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT):
            console.print(p.heartbeat_line(), markup=False, emoji=False, highlight=False)

    thread = threading.Thread(target=beat, name="polity-heartbeat", daemon=True)
    thread.start()
    try:
        yield p
    finally:
        stop.set()
        thread.join()
