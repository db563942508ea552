"""How a long-running server process sets up Python's own machinery (the cyclic garbage collector)."""

from __future__ import annotations

import gc

from django.conf import settings


def garbage_collector_tune() -> None:
    """Freeze what start-up loaded, and collect young objects every `GC_YOUNG_THRESHOLD` allocations.

    With Python's default (a young collection every 700 allocations) a web worker carrying 500 chat
    sockets collected 8 times a second, each pass holding the GIL for up to 50 ms and the full ones
    for up to 160 ms: those pauses were the tail of chat latency (bench/chat.py). Start-up objects
    (modules, URL patterns, templates) live as long as the process, so scanning them is wasted work.
    """
    threshold = settings.GC_YOUNG_THRESHOLD
    if not threshold:
        return  # Python's own settings
    gc.collect()  # so that no garbage of the start-up is frozen with the rest
    gc.freeze()
    _young, *older = gc.get_threshold()
    gc.set_threshold(threshold, *older)
