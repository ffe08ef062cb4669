"""What the tests and the benchmarks share: the scale generator, the fixed queries, a SPARQL server.

Neither tests/ nor bench/ imports the other; both import this.
"""

from collections.abc import Callable
from typing import Any

from graph.store import Store
from graph.vocabulary import Vocabulary


def without_vocabulary(store: Store) -> Callable[[type[Any]], Any]:
    """``store.index`` as it is, except that the store keeps no vocabulary (it is read in SPARQL)."""
    original = store.index
    return lambda kind: None if kind is Vocabulary else original(kind)


def with_vocabulary(store: Store, vocabulary: Vocabulary) -> Callable[[type[Any]], Any]:
    """``store.index`` as it is, except that the store's vocabulary is ``vocabulary``."""
    original = store.index
    return lambda kind: vocabulary if kind is Vocabulary else original(kind)
