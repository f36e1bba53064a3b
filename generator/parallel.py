"""Work spread over every usable core.

The workers are forked copies of this process, so they share what it holds (the catalogue, the
templates) without copying or pickling it; only each item's result travels back. The calling
process does its own share meanwhile. Where fork is not available, everything runs here.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_work: tuple | None = None  # (function, items, next item) while map_everywhere runs; workers inherit it


def cores() -> int:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return usable if "fork" in multiprocessing.get_all_start_methods() else 1


def _take_turns() -> list[tuple[int, Any]]:
    """Take the next item not yet taken by any process, until none is left: a process that drew cheap
    items takes more, so all finish together however uneven the items' cost."""
    function, items, next_item = _work
    done = []
    while True:
        with next_item.get_lock():
            index = next_item.value
            next_item.value += 1
        if index >= len(items):
            return done
        done.append((index, function(items[index])))


def map_everywhere(function: Callable[[Any], Any], items: Sequence, here: bool = True) -> list:
    """`[function(item) for item in items]`, in that order, computed on every usable core.

    `here=False`: only worker processes compute, this one waits; for work run in a thread of a process
    that must stay responsive meanwhile (`mkdocs serve` answering the browser)."""
    global _work
    workers = min(cores(), len(items))
    if "fork" not in multiprocessing.get_all_start_methods() or (workers <= 1 and here):
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork")
    _work = (function, items, context.Value("q", 0))
    # What exists now (the catalogue) is left out of garbage collection while the workers run: the
    # collector then neither walks it again and again (seconds at thousands of cases) nor, by touching
    # it, makes each forked worker copy the memory it shares with this process.
    gc.freeze()
    try:
        others_count = workers - 1 if here else max(workers, 1)
        with ProcessPoolExecutor(others_count, mp_context=context) as pool:
            others = [pool.submit(_take_turns) for _ in range(others_count)]
            done = (_take_turns() if here else []) + [pair for other in others for pair in other.result()]
    finally:
        gc.unfreeze()
        _work = None
    out = [None] * len(items)
    for index, result in done:
        out[index] = result
    return out
