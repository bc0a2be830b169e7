"""The jieba module, imported quietly and without pkg_resources."""

from __future__ import annotations

import logging
import sys


def load_jieba():
    """jieba, with its log messages below WARNING silenced.

    It is imported without pkg_resources: jieba._compat only uses that to open jieba's own
    data files, and opens them directly when it cannot be imported; importing
    pkg_resources costs more than the rest of a small check (0.3-0.8 s).
    """
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # `import pkg_resources` raises ImportError
        try:
            import jieba  # noqa: F401
        except ImportError:
            pass  # a jieba that needs it: imported normally below
        finally:
            if sys.modules.get("pkg_resources", False) is None:
                del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba
