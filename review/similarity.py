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
2. Terms are weighted by TF-IDF over the messages being grouped (sub-linear term
   frequency, smoothed IDF as in scikit-learn, L2-normalised), so a word that
   nearly every message contains ("clonazepam") counts for little and the
   distinctive words ("alcohol", "pregnant") decide the groups.
3. Single-pass leader/centroid clustering: messages newest first; each joins the
   existing group whose centroid is the most cosine-similar if that similarity is
   at least ``threshold``, else starts a new group. Ties go to the group created
   first, so the result is deterministic. Candidate groups come from an inverted
   index, and the terms a message shares with too many groups to matter are pruned
   with the Cauchy-Schwarz bound (they alone cannot reach the threshold), which
   keeps it fast without changing the result.

Speed (measured 2026-11-26 on a 2-core VM, Python 3.10): 5,000 messages (questions
from data/nlu.yml with up to 3 random English words inserted, about 4,800 distinct
words) group in 0.32-0.41 s on a quiet machine (0.7-0.9 s while other jobs loaded
both cores), once the words' lemmas are cached. The first call in a process adds
about 1 s to load spaCy's lemma tables and look up each new word: 1.5 s in all. The
candidate pruning was checked to give the same groups as comparing every message
with every group (2,000 messages, thresholds 0.2, 0.35 and 0.5).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


def _tfidf_vectors(term_lists: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors (sub-linear tf, smoothed idf) of non-empty term lists."""
    document_frequency: Counter[str] = Counter()
    for terms in term_lists:
        document_frequency.update(set(terms))
    count = len(term_lists)
    idf = {
        term: math.log((1 + count) / (1 + frequency)) + 1.0
        for term, frequency in document_frequency.items()
    }
    vectors: list[dict[str, float]] = []
    for terms in term_lists:
        weights = {
            term: (1.0 + math.log(frequency)) * idf[term]
            for term, frequency in Counter(terms).items()
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        vectors.append({term: weight / norm for term, weight in weights.items()})
    return vectors


class _Clusters:
    """Groups under construction: centroid sums, their norms and an inverted index."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.sums: list[dict[str, float]] = []  # sum of the members' unit vectors
        self.squared_norms: list[float] = []
        self.members: list[list[int]] = []
        self.groups_with_term: dict[str, list[int]] = {}

    def best_group(self, vector: dict[str, float]) -> int | None:
        """The most similar group at or above the threshold (the first created on ties), if any."""
        # Terms shared with the most groups are not used to find candidates while the
        # norm of their weights stays below the threshold: a group sharing only those
        # terms has cosine <= that norm < threshold (Cauchy-Schwarz). The same bound
        # lets a candidate be dropped before its skipped terms are looked at.
        by_spread = sorted(vector, key=lambda t: (-len(self.groups_with_term.get(t, ())), t))
        skipped: list[str] = []
        skipped_squared = 0.0
        partial: dict[int, float] = {}
        for term in by_spread:
            weight = vector[term]
            if math.sqrt(skipped_squared + weight * weight) < self.threshold:
                skipped.append(term)
                skipped_squared += weight * weight
                continue
            for group in self.groups_with_term.get(term, ()):
                partial[group] = partial.get(group, 0.0) + weight * self.sums[group][term]
        skipped_bound = math.sqrt(skipped_squared)
        best: int | None = None
        best_similarity = self.threshold
        for group in sorted(partial):
            norm = math.sqrt(self.squared_norms[group])
            similarity = partial[group] / norm
            if similarity + skipped_bound < best_similarity:
                continue
            sums = self.sums[group]
            similarity += sum(vector[term] * sums.get(term, 0.0) for term in skipped) / norm
            if similarity > best_similarity or (best is None and similarity >= self.threshold):
                best, best_similarity = group, similarity
        return best

    def add(self, index: int, vector: dict[str, float], group: int | None) -> None:
        """Adds message ``index`` to ``group``, or to a new group if None."""
        if group is None:
            group = len(self.sums)
            self.sums.append({})
            self.squared_norms.append(0.0)
            self.members.append([])
        sums = self.sums[group]
        squared_norm = self.squared_norms[group]
        for term, weight in vector.items():
            old = sums.get(term)
            if old is None:
                old = 0.0
                self.groups_with_term.setdefault(term, []).append(group)
            new = old + weight
            sums[term] = new
            squared_norm += new * new - old * old
        self.squared_norms[group] = squared_norm
        self.members[group].append(index)


def _key_terms(
    member_terms: Sequence[Sequence[str]], member_vectors: Sequence[dict[str, float]]
) -> tuple[str, ...]:
    """Up to 4 terms in the most members (in two or more when the group has several).

    Ties are broken by total TF-IDF weight (the more distinctive first), then
    alphabetically.
    """
    in_members: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    for terms, vector in zip(member_terms, member_vectors, strict=True):
        in_members.update(set(terms))
        weight.update(vector)
    minimum = 2 if len(member_terms) > 1 else 1
    ranked = sorted(
        (term for term, count in in_members.items() if count >= minimum),
        key=lambda term: (-in_members[term], -weight[term], term),
    )
    return tuple(ranked[:MAX_KEY_TERMS])


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

    vectors = _tfidf_vectors(term_lists)
    clusters = _Clusters(threshold)
    for index, vector in enumerate(vectors):
        clusters.add(index, vector, clusters.best_group(vector))

    groups = [
        MessageGroup(
            key_terms=_key_terms([term_lists[i] for i in members], [vectors[i] for i in members]),
            messages=tuple(with_terms[i] for i in members),
        )
        for members in clusters.members
    ]
    # Groups were created newest leader first and members appended newest first, so a
    # stable sort by size keeps newer groups first among groups of equal size.
    groups.sort(key=lambda group: -len(group.messages))
    if without_terms:
        groups.append(MessageGroup(key_terms=(), messages=tuple(without_terms)))
    return groups
