"""Pausing the cyclic garbage collector around allocation-heavy work (a check run, a report)."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while a run allocates findings (or a report
    encodes them).

    With a large glossary every full collection walks all its entries again; a run makes
    no reference cycles worth collecting, and reference counting still frees the rest.
    When the collector is switched back on, the objects the run allocated would all be
    traversed by the next young-generation collection (a tenth of a 10k-segment run);
    instead they are moved, untraversed, to the oldest generation (gc.freeze() then
    gc.unfreeze(), which collects nothing), where full collections still reach them.
    Skipped when the program froze objects itself (gc.get_freeze_count() > 0), whose
    freeze must stand.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
