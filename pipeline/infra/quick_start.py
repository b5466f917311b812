"""Starting quickly where a person waits for the first answer (predict).

nltk's package import pulls in scipy and scikit-learn, for collocation statistics and a
classifier wrapper that this project never calls: about 0.7 of predict's first second and a
half. Both are optional to nltk (it imports each under `try`), so they are hidden while it
imports, and visible again afterwards to whatever imports them itself.
"""

from __future__ import annotations

import sys

NLTK_EXTRAS = ("scipy", "sklearn")


def import_nltk_lean() -> None:
    """Import nltk without its optional extras (a no-op once nltk is imported)."""
    if "nltk" in sys.modules:
        return
    hidden = [name for name in NLTK_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # `import name` raises ImportError, which nltk expects
    try:
        import nltk  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]
