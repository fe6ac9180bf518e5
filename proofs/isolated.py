"""Every question in a process of its own, forked from a parent in the same Z3 state every run.

Z3 keeps state per process that a fresh context does not reset (interned symbols, allocator
history): the same question asked second in a process can take another path than asked first,
and give another trace, invariant or unsat core (docs/determinism.md). Forking each question
from a parent that did the same with Z3 on every run (nothing, or built the same transition
templates for its children to inherit: pool.py) starts every one from the same state, whatever
ran before it and however many run at once, so ``--jobs 1`` and ``--jobs 2`` give the same answers. Forking
also shares the loaded model and catalog with the children at no cost.

A child receives its item by inheritance and sends back plain data through a pipe; at most
``workers`` children run at once, started in item order; results come back in item order.
Where ``fork`` does not exist, items run one by one in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar, cast

from ..model.errors import InternalError, UserError

T = TypeVar("T")
R = TypeVar("R")


def run_each(fn: Callable[[T], R], items: Sequence[T], workers: int = 1,
             started: Callable[[T], None] | None = None,
             finished: Callable[[T, R], None] | None = None,
             then: Callable[[T, R], Sequence[T]] | None = None) -> list[R]:
    """``[fn(item) for item in items]``, each call in a fresh forked process. With ``then``,
    an item's answer may give rise to more items (``then(item, answer)``): they start before
    the items still waiting, and their answers come right after their parent's, in order."""
    follow = then or (lambda _item, _result: ())
    if "fork" not in multiprocessing.get_all_start_methods():
        return [r for item in items for r in _inline_tree(fn, item, started, finished, follow)]
    ctx = multiprocessing.get_context("fork")
    waiting: deque[tuple[tuple[int, ...], T]] = deque(((i,), item) for i, item in enumerate(items))
    running: dict[Connection, tuple[tuple[int, ...], T, Any]] = {}
    results: dict[tuple[int, ...], R] = {}
    try:
        while waiting or running:
            while waiting and len(running) < max(1, workers):
                key, item = waiting.popleft()
                if started:
                    started(item)
                receive, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(fn, item, send), daemon=True)
                proc.start()
                send.close()
                running[receive] = (key, item, proc)
            ready = cast(list[Connection], wait(list(running)))
            for conn in sorted(ready, key=lambda c: running[c][0]):
                key, item, proc = running.pop(conn)
                results[key] = _collect(conn, proc, item)
                if finished:
                    finished(item, results[key])
                more = list(follow(item, results[key]))
                waiting.extendleft(reversed([((*key, j), m) for j, m in enumerate(more)]))
    finally:
        for _conn, (_key, _item, proc) in running.items():
            proc.terminate()
            proc.join()
    return [results[key] for key in sorted(results)]


def _inline_tree(fn: Callable[[T], R], item: T, started: Callable[[T], None] | None,
                 finished: Callable[[T, R], None] | None,
                 follow: Callable[[T, R], Sequence[T]]) -> list[R]:
    result = _inline(fn, item, started, finished)
    return [result, *(r for m in follow(item, result) for r in _inline_tree(fn, m, started, finished, follow))]


def _inline(fn: Callable[[T], R], item: T, started: Callable[[T], None] | None,
            finished: Callable[[T, R], None] | None) -> R:
    if started:
        started(item)
    result = fn(item)
    if finished:
        finished(item, result)
    return result


def _collect(conn: Connection, proc: Any, item: object) -> Any:
    try:
        kind, payload = conn.recv()
    except EOFError:
        proc.join()
        raise InternalError(f"the process answering {item} ended without an answer "
                            f"(exit {proc.exitcode})") from None
    finally:
        conn.close()
    proc.join()
    if kind == "ok":
        return payload
    if kind == "user":
        raise payload
    raise InternalError(f"while answering {item}: {payload}")


def _child(fn: Callable[[Any], Any], item: Any, send: Connection) -> None:
    """Answer one item and leave at once (``os._exit``: no finaliser, no inherited atexit)."""
    gc.enable()  # the parent may have turned collection off for its display thread
    # A collection first: a child inherits the parent's garbage-collector counts, which decide
    # when collections free Z3 objects, and so which trace the solver finds (measured: a query's
    # witness changed after three other queries had run in the parent). Every child starts alike.
    gc.collect()
    if hasattr(signal, "pthread_sigmask"):  # end on SIGTERM; Ctrl-C is the parent's to handle
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        try:
            answer: tuple[str, Any] = ("ok", fn(item))
        except UserError as exc:
            answer = ("user", exc)
        except BaseException:  # noqa: BLE001 - reported to the parent as an internal error
            answer = ("internal", traceback.format_exc(limit=8))
        send.send(answer)
    finally:
        send.close()
        os._exit(0)
