"""Dense garbled MT for the benchmarks: about three glossary findings a line.

Each line fills one of the sentence frames below (written for this benchmark) with three
wrong renderings of the bundled glossary ("millet group", "line and line", "large data"),
so every line carries about three GL001 findings, and now and then a repeated word or a
"the 12 day" for the pattern rules. Seeded: the same count gives the same lines.

    python bench/dense.py 10000 > dense.txt
    python bench/dense.py 1000 --ambiguous > dense-ambiguous.txt   # sense-gate hits (embedding mode)
"""

from __future__ import annotations

import random
import sys

SEED = 2012
FRAMES = (
    "The board of {0} met {1} and {2} to discuss the new plan.",
    "Reporters asked whether {0} would follow {1} into the market, and {2} declined to comment.",
    "Analysts compared {0} with {1}; both trail {2} in the second quarter.",
    "A joint statement by {0}, {1} and {2} promised more investment next year.",
    "{0} said that {1} and {2} had agreed on a common standard.",
    "Shares of {0} rose after {1} praised the {3} {3} results of {2}.",
    "On the {4} day, {0} hosted a forum with {1} and {2}.",
)


def wrong_renderings(ambiguous: bool = False) -> list[str]:
    """The bundled glossary's wrong renderings that are reported without the sense gate
    (or, with `ambiguous`, those that are also ordinary English and go to the gate)."""
    from mtcheck.glossary.loader import load_glossaries

    renderings = []
    for entry in load_glossaries((), include_default=True).entries:
        if entry.ambiguous != ambiguous or entry.case_sensitive:
            continue
        renderings.extend(wrong for wrong in entry.wrong if wrong.isascii() and len(wrong.split()) <= 5)
    return sorted(set(renderings))


def dense_lines(count: int, seed: int = SEED, ambiguous: bool = False) -> list[str]:
    """`count` lines, three wrong renderings each (ambiguous ones: three sense-gate hits)."""
    rng = random.Random(seed * 7 + count + ambiguous)
    wrongs = wrong_renderings(ambiguous)
    lines = []
    for _ in range(count):
        frame = rng.choice(FRAMES)
        names = rng.sample(wrongs, 3)
        names[0] = names[0][:1].upper() + names[0][1:] if frame.startswith("{0}") else names[0]
        lines.append(frame.format(*names, rng.choice(("record", "strong", "steady")), rng.randint(2, 28)))
    return lines


if __name__ == "__main__":
    ambiguous = "--ambiguous" in sys.argv[1:]
    counts = [arg for arg in sys.argv[1:] if arg != "--ambiguous"]
    sys.stdout.write("\n".join(dense_lines(int(counts[0]) if counts else 10_000, ambiguous=ambiguous)) + "\n")
