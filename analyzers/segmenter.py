"""The jieba segmenter shared by every Chinese analyzer, and its domain dictionary.

Whoosh pickles a schema's analyzers into the index's table of contents, so analyzer
objects must not hold a loaded jieba dictionary (half a million entries, 70 MB in
memory, 7 MB pickled, one to three seconds to load). They ask `segmenter()` instead: one private `jieba.Tokenizer` per process,
built on first use, never the global `jieba.dt`, so that our domain words do not leak
into, or get changed by, other code that uses jieba.

The domain words (terms from 术语和定义 chapters, headings) change how text is cut, and
the same words must be loaded before indexing and before searching, or query and index
segment the same text differently. Call `initialize(user_words=...)` once at start-up
with the same word list in both processes; `dictionary_fingerprint()` lets the index
record which list it was built with.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections.abc import Iterable

import jieba

from analyzers.normalize import CJK_CLASS, collapse_spaces, fold_dashes, fold_width

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None
_user_words: set[str] = set()
_version = 0  # bumped whenever the dictionary changes, for caches of its cuts

# Brackets and quotes that titles and headings carry around a term (《…》, “…”).
_WRAPPERS = "《》〈〉“”‘’\"'「」『』【】〔〕()（）[]"
# Function words left at the ends of a heading's fragments: `的确定` is not a term.
_EDGE_PARTICLES = "的了和与及之或"
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")

# Roughly the frequency of a plain two-character word in jieba's dictionary: high
# enough for a domain word to be cut out in running text, not so high that it eats
# into its neighbours.
COMMON_FREQ = 1000

# Longer entries are headings or whole sentences, not words: as one jieba word they
# would hide the words inside them that the dictionary does not know.
MAX_USER_WORD = 16


def segmenter() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer, built (and its dictionary loaded) on first use."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _segmenter = tokenizer
    return _segmenter


def initialize(user_words: Iterable[str] = ()) -> jieba.Tokenizer:
    """Load jieba's dictionary and the domain words; call once at start-up, not per query."""
    tokenizer = segmenter()
    load_user_words(user_words)
    return tokenizer


def clean_user_word(word: str) -> list[str]:
    """The dictionary entries jieba can use for one domain word (often the word itself).

    jieba only matches dictionary words inside runs of Chinese characters (and we only
    hand it such runs), so an entry with a space, digit, Latin letter or hyphen would
    never be found, and adding it would only skew the frequencies. Spaces between Chinese
    characters are layout (`术语 和 定义` is `术语和定义`); wrapping brackets are stripped.
    A word mixing Chinese with other characters (`著者-出版年制`, `pH值`, `3C认证`)
    contributes its Chinese stretches of three characters or more (`出版年制`), without
    the particles that a heading such as `运输指数（TI）的确定` leaves at their ends; the
    rest is found as separate tokens at consecutive positions, so phrases still match.
    """
    text = collapse_spaces(fold_dashes(fold_width(word)))
    text = text.strip().strip(_WRAPPERS).strip()
    runs = _CJK_RUN.findall(text)
    if len(runs) == 1 and runs[0] == text:
        return [text] if 2 <= len(text) <= MAX_USER_WORD else []
    fragments = (run.strip(_EDGE_PARTICLES) for run in runs)
    return [run for run in fragments if 3 <= len(run) <= MAX_USER_WORD]


def load_user_words(words: Iterable[str]) -> int:
    """Add domain words to the segmenter; returns how many entries were new.

    Words jieba already knows keep their frequency: raising it would change how
    everyday text around them is cut.
    """
    tokenizer = segmenter()
    added = 0
    with _lock:
        for word in words:
            for entry in clean_user_word(word):
                if entry in _user_words or tokenizer.FREQ.get(entry, 0) > 0:
                    continue
                _user_words.add(entry)
                # jieba's suggested frequency is the smallest that makes the word win
                # when it stands alone; in running text its neighbours can still steal
                # its characters, so give it at least the frequency of a common word.
                freq = max(tokenizer.suggest_freq(entry, tune=False), COMMON_FREQ)
                tokenizer.add_word(entry, freq=freq)
                added += 1
        if added:
            global _version
            _version += 1
    return added


def dictionary_version() -> int:
    """Changes whenever domain words are added: cached cuts older than it are stale."""
    return _version


def user_words() -> frozenset[str]:
    return frozenset(_user_words)


# Bumped when our analysis cuts the same text differently (a new filter, another rule
# for domain words): an index cut before no longer agrees with queries cut after.
ANALYSIS_VERSION = 1


def dictionary_fingerprint() -> str:
    """A short digest of everything that decides how text is cut: jieba's version and
    main dictionary, our analysis rules and the domain words loaded. An index records the
    one it was cut with; a process about to search it compares its own."""
    digest = hashlib.sha256(_base_dictionary_digest().encode("ascii"))
    digest.update(f"{jieba.__version__}:{ANALYSIS_VERSION}:{MAX_USER_WORD}:{COMMON_FREQ}".encode())
    digest.update("\n".join(sorted(user_words())).encode("utf-8"))
    return digest.hexdigest()[:16]


@functools.cache
def _base_dictionary_digest() -> str:
    """SHA-256 of jieba's main dictionary file, read once per process."""
    with segmenter().get_dict_file() as f:
        return hashlib.sha256(f.read()).hexdigest()


def is_word(text: str) -> bool:
    """Whether `text` is an entry of the segmenter's dictionary (not a mere prefix)."""
    return segmenter().FREQ.get(text, 0) > 0
