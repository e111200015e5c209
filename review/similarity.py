"""Groups the messages the bot could not answer by similarity, for the staff report.

The "Unanswered questions" report shows staff what visitors asked that the bot had
no answer for, grouped so that paraphrases of one question ("can I drink on
klonopin", "drinking while taking clonazepam?") form one group: each group is a
piece of content worth adding. The texts are already redacted (``[PHONE]``,
``[NAME]``, ...); nothing here logs or stores them.

How it works:

1. Each text becomes a bag of terms: lower-cased word tokens (letters, digits,
   apostrophes) without redaction placeholders, English stop words
   (``spacy.lang.en.stop_words.STOP_WORDS``) and negated auxiliaries (``don't``),
   lemmatised with the cached spaCy lookup lemmatizer, and with the names of the
   drug mapped to one term (:data:`DRUG_NAME_TERMS`).
2. Terms are weighted by TF-IDF over the messages being grouped: scikit-learn's
   ``TfidfVectorizer`` (sub-linear term frequency, smoothed IDF, L2-normalised) given
   the term lists of step 1 as its analyzer's output, so a word that nearly every
   message contains ("clonazepam") counts for little and the distinctive words
   ("alcohol", "pregnant") decide the groups.
3. Single-pass leader/centroid clustering: messages newest first; each joins the
   existing group whose centroid is the most cosine-similar if that similarity is
   at least ``threshold``, else starts a new group. Ties (up to rounding) go to the
   group created first, so the result is deterministic. The cosine with a centroid
   is the sum of the message's similarities with the group's members
   (``sklearn.metrics.pairwise.linear_kernel``, 512 messages at a time) over the
   norm of the members' sum.

scikit-learn is imported on first use, like spaCy.

Speed (measured 2026-12-03 on a 2-core VM, Python 3.10, while other jobs loaded both
cores; best of 7 runs, in five measurements): 5,000 messages (questions from
data/nlu.yml with up to 3 random English words inserted, about 4,800 distinct words)
group in 0.32-0.65 s, 2,000 (the report's limit) in 0.11-0.24 s, once the words' lemmas
are cached. That is as fast as the hand-written TF-IDF and pruned inverted index this
replaced (0.28-0.63 s and 0.11-0.24 s, timed alternately with it). The first call in a
process adds about 1 s to load spaCy's lemma tables and look up each new word, and
0.45 s to import scikit-learn. On 2,000 messages (thresholds 0.2, 0.35 and 0.5, four
samples each) the groups were those of the hand-written version except where a message
was exactly as similar to two groups: that version's rounding picked the newer group.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use (see _spacy_lexicon)
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

# Every way visitors name the drug, mapped to one term so that "klonopin" and
# "clonazepam" questions group together. Kept deliberately tiny and local: the
# NLU's fuller misspelling handling (nlu_components.drug_names) is not needed to
# group questions. "k-pin" and "k pin" are matched on the text before tokenising
# because the tokeniser splits them into two words.
DRUG_NAME_TERMS = frozenset({"klonopin", "klonopins", "clonazepam", "clonazepams", "kpin", "kpins"})
_K_PIN = re.compile(r"\bk[- ]pins?\b")  # "k-pin", "k pins"
DRUG_TERM = "clonazepam"

# The default minimum cosine similarity between a message and a group's centroid.
DEFAULT_THRESHOLD = 0.35

# How many key terms a group shows.
MAX_KEY_TERMS = 4

# Messages whose similarities with the earlier messages are computed at once (a block of
# 512 x 2,000 similarities is 8 MB).
_ROWS_PER_BLOCK = 512
# Similarities to two groups closer than this are a tie (their sums are rounded differently).
_TIE_TOLERANCE = 1e-9

_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*\]")  # redaction placeholders: [PHONE], [NAME], ...
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # letters/digits, inner apostrophes kept
_CLITICS = ("'s", "'re", "'ve", "'ll", "'d", "'m")


@dataclass(frozen=True)
class UnansweredMessage:
    """A visitor message the bot could not answer (text already redacted)."""

    event_id: int
    sender_id: str
    text: str
    timestamp: float


@dataclass(frozen=True)
class MessageGroup:
    """Similar unanswered messages and the terms they share."""

    key_terms: tuple[str, ...]  # up to 4 lemmas most shared in the group, most frequent first
    messages: tuple[UnansweredMessage, ...]  # newest first


def message_terms(text: str) -> list[str]:
    """The lemmatised content words of a message, in order (see the module docstring)."""
    text = _PLACEHOLDER.sub(" ", text)
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = _K_PIN.sub(" " + DRUG_TERM + " ", text)
    stop_words, lookup_lemma = _spacy_lexicon()
    terms: list[str] = []
    for token in _TOKEN.findall(text):
        if "'" in token:
            if token.endswith("n't"):  # don't, can't, won't, isn't: negated auxiliaries
                continue
            for clitic in _CLITICS:  # it's, klonopin's, they're: the clitic is a stop word
                if token.endswith(clitic):
                    token = token[: -len(clitic)]
                    break
        if token in DRUG_NAME_TERMS:
            terms.append(DRUG_TERM)
            continue
        if token in stop_words:
            continue
        lemma = lookup_lemma(token)
        if lemma in DRUG_NAME_TERMS:
            terms.append(DRUG_TERM)
        elif lemma not in stop_words:
            terms.append(lemma)
    return terms


@functools.lru_cache(maxsize=1)
def _spacy_lexicon() -> tuple[frozenset[str], Callable[[str], str]]:
    """The English stop words and lookup lemmatizer of spaCy, imported on first use.

    spaCy pulls in thinc and TensorFlow (about 5 s and 500 MB): the review app
    only pays for it when someone opens the unanswered-questions report.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    from nlu_components.spacy_pipeline import lookup_lemma

    return frozenset(STOP_WORDS), lookup_lemma


def _precomputed_terms(terms: list[str]) -> list[str]:
    """The vectorizer's analyzer: the messages are given as their :func:`message_terms`."""
    return terms


def _tfidf_vectors(term_lists: Sequence[list[str]]) -> tuple[csr_matrix, NDArray[np.str_]]:
    """L2-normalised TF-IDF rows (sub-linear tf, smoothed idf) of non-empty term lists.

    Returns the rows and the term of each column.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_precomputed_terms, sublinear_tf=True)
    vectors = vectorizer.fit_transform(term_lists)
    return vectors, vectorizer.get_feature_names_out()


def _group_of_each(vectors: csr_matrix, threshold: float) -> tuple[NDArray[np.intp], int]:
    """Leader/centroid clustering of the rows in order: each row's group, and how many.

    A row joins the group whose centroid is the most cosine-similar, if at least
    ``threshold``, else starts a new group. Rows are unit vectors, so the cosine with a
    group's centroid is (the sum of the row's similarities with the members) / (the norm
    of the members' sum), and that norm grows by 2 * that sum + 1 when the row joins.
    """
    import numpy as np
    from sklearn.metrics.pairwise import linear_kernel

    count = vectors.shape[0]
    group_of = np.empty(count, dtype=np.intp)
    squared_norms = np.zeros(count)  # of each group's sum of member vectors
    groups = 0
    for start in range(0, count, _ROWS_PER_BLOCK):
        stop = min(start + _ROWS_PER_BLOCK, count)
        # Cosine similarities of this block's rows with every row up to the block's end.
        similarities = linear_kernel(vectors[start:stop], vectors[:stop])
        for index, similarity in enumerate(similarities, start=start):
            dots = np.bincount(group_of[:index], weights=similarity[:index], minlength=groups)
            cosines = dots / np.sqrt(squared_norms[:groups])
            best = groups
            most = cosines.max(initial=-1.0)
            if most >= threshold:
                # Ties (up to rounding) go to the group created first.
                best = int(np.argmax(cosines >= most - _TIE_TOLERANCE))
                squared_norms[best] += 2.0 * dots[best]
            else:
                groups += 1
            squared_norms[best] += similarity[index]
            group_of[index] = best
    return group_of, groups


def _key_terms(member_terms: Sequence[Sequence[str]], weight: dict[str, float]) -> tuple[str, ...]:
    """Up to 4 terms in the most members (in two or more when the group has several).

    Ties are broken by the terms' total TF-IDF weight in the group (``weight``: the more
    distinctive first), then alphabetically.
    """
    in_members: Counter[str] = Counter()
    for terms in member_terms:
        in_members.update(set(terms))
    minimum = 2 if len(member_terms) > 1 else 1
    ranked = sorted(
        (term for term, count in in_members.items() if count >= minimum),
        key=lambda term: (-in_members[term], -weight[term], term),
    )
    return tuple(ranked[:MAX_KEY_TERMS])


def _similar_groups(
    messages: Sequence[UnansweredMessage], term_lists: Sequence[list[str]], threshold: float
) -> list[MessageGroup]:
    """Groups messages (newest first) by their non-empty term lists, in order of creation."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vectors, terms = _tfidf_vectors(term_lists)
    group_of, count = _group_of_each(vectors, threshold)
    members_of: list[list[int]] = [[] for _ in range(count)]
    for index, group in enumerate(group_of.tolist()):
        members_of[group].append(index)
    # Each group's total TF-IDF weight per term: (group x message membership) @ vectors.
    membership = csr_matrix(
        (np.ones(len(group_of)), (group_of, np.arange(len(group_of)))),
        shape=(count, len(group_of)),
    )
    weights = membership @ vectors
    groups: list[MessageGroup] = []
    for group, members in enumerate(members_of):
        row = slice(weights.indptr[group], weights.indptr[group + 1])
        columns, values = weights.indices[row], weights.data[row]
        weight = dict(zip(terms[columns].tolist(), values.tolist(), strict=True))
        key_terms = _key_terms([term_lists[i] for i in members], weight)
        groups.append(MessageGroup(key_terms, tuple(messages[i] for i in members)))
    return groups


def group_similar(
    messages: Sequence[UnansweredMessage], threshold: float = DEFAULT_THRESHOLD
) -> list[MessageGroup]:
    """Groups unanswered messages whose content words are similar.

    Args:
        messages: The redacted unanswered messages, in any order.
        threshold: Minimum cosine similarity (0-1) between a message's TF-IDF vector
            and a group's centroid for the message to join the group.

    Returns:
        Every message exactly once, in groups ordered by size (largest first), then
        by their newest message (newest first); messages within a group newest
        first. Messages with no content words ("??", "[PHONE]") form one last
        group with no key terms.
    """
    newest_first = sorted(messages, key=lambda m: (-m.timestamp, -m.event_id))
    with_terms: list[UnansweredMessage] = []
    term_lists: list[list[str]] = []
    without_terms: list[UnansweredMessage] = []
    for message in newest_first:
        terms = message_terms(message.text)
        if terms:
            with_terms.append(message)
            term_lists.append(terms)
        else:
            without_terms.append(message)

    groups: list[MessageGroup] = []
    if term_lists:
        groups = _similar_groups(with_terms, term_lists, threshold)
    # Groups were created newest leader first and members appended newest first, so a
    # stable sort by size keeps newer groups first among groups of equal size.
    groups.sort(key=lambda group: -len(group.messages))
    if without_terms:
        groups.append(MessageGroup(key_terms=(), messages=tuple(without_terms)))
    return groups
