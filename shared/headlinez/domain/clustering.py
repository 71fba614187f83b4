"""Streaming story clustering: assign each new article to an open trend or start a new one.

Why this design (see also docs/decisions.md):

* **Semantic path (the default when the run is given sentence embeddings).** An article's
  score for a trend is ``(1 - lexical_share) x`` its average-linkage cosine with the trend's
  members (one dot product with the trend's embedding sum / count, ``domain/semantic.py``)
  ``+ lexical_share x`` the TF-IDF centroid cosine below; candidates are the nearest trends by
  embedding plus those sharing the article's rarest terms; ``semantic_threshold`` and
  ``semantic_merge_threshold`` replace the lexical thresholds. Wire copy (a bottom-k shingle
  sketch close to another newsroom's, ``domain/syndication.py``) adds no independent newsroom.
  Without embeddings everything below applies unchanged (the lexical fallback).
* **Single pass, centroid based.** Each scheduled run sees only the articles ingested since the
  previous run plus the open trends. An article joins the open trend whose centroid is most
  similar (cosine over TF-IDF-like vectors) if that similarity reaches
  ``ClusterConfig.similarity_threshold``; otherwise it founds a trend. Only trends covered
  within ``join_max_gap`` (24 h) of the article are eligible, although a trend stays open for
  ``quiet_period`` (36 h): after a day without coverage a new report of the subject is a new
  development and founds its own trend rather than reviving the old one.
  Work per article is independent of history: no article-to-article distance matrix, no
  growing state.
* **Inverted index for candidates.** Each run indexes the open trends' centroid terms, restricted
  to the terms this batch can look up, and an article is compared only with trends sharing one of
  its most distinctive terms (capped per article). A trend that shares no term is never scored.
* **Rolling IDF.** Term weights use document frequencies that decay over days and persist between
  runs (``DocumentFrequencies``), so a word's weight reflects the recent news corpus rather than
  one 15-minute batch, and the table stays bounded for a single DynamoDB item. A run weighs its
  articles with the corpus as it stood before the run and adds them afterwards: a breaking
  story arrives as a burst, and counting the burst first would make its own key words look
  common (on UCI this alone moves B-cubed F1 from 0.50 to 0.67).
* **Split pass.** A join is decided against the trend as it is when the article arrives, so an
  early bridge article can let a distinct event in later; each run re-reads every touched trend
  from its latest members' embeddings and gives such an event a trend of its own
  (``domain.split``; the larger part keeps the id, the two are never merged back).
* **Merge pass.** A story sometimes starts as two trends (two angles, a slow first article);
  when their centroids converge above ``merge_threshold`` the younger is folded into the older
  (``merged_into``), which lifts UCI B-cubed F1 from 0.67 to 0.78. Only trends whose coverage
  spans come within ``merge_max_gap`` of each other are candidates: two halves of one story are
  covered at the same time, while a trend that ended a day before the other began is an earlier
  event of the same subject (a budget row, then a state visit, both "Macron").
* **Time-decayed centroid.** A trend's centroid is the decayed sum of its articles' unit vectors
  (half-life ``centroid_half_life``), pruned to ``max_centroid_terms``: a long story follows its
  latest developments and the state size is fixed.
* **Idempotent and deterministic.** Trend ids derive from the founding article's id, articles are
  processed in (published, article_id) order, and an article already in a trend (its
  ``trend_id`` is set or its id is in the trend's bounded ``recent_member_ids``) is skipped, so a
  retried run reproduces the same trends and a replayed batch changes nothing.

Everything is pure Python on the shared models; no I/O.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_serializer

from headlinez.domain.headlines import headline_weight, is_roundup
from headlinez.domain.newsrooms import JOIN_MAX_GAP_HOURS, MERGE_MAX_GAP_HOURS
from headlinez.domain.semantic import (
    SemanticIndex,
    Vector,
    as_vector,
    embedding_text,
    model_reads,
    unpack_sum,
)
from headlinez.domain.split import SPLIT_FACTOR, dequantize, find_split, quantize
from headlinez.domain.syndication import SYNDICATION_THRESHOLD, sketch_similarity, wire_sketch
from headlinez.domain.terms import TermWeighting, article_terms, title_overlap, title_vector
from headlinez.domain.text import title_fingerprint
from headlinez.domain.velocity import hour_floor
from headlinez.models import (
    Article,
    HourBucket,
    MemberVector,
    TrendMember,
    TrendState,
    UtcDatetime,
    pack_floats,
)

# Member ids are stored as prefixes: 24 hex characters (96 bits) cannot collide within one trend.
MEMBER_ID_CHARS = 24
# Headline candidates re-scored every run (see _Run._pick_candidates).
_RESCORED = 8
# A changed trend whose centroid keeps this cosine with its previous one skips the merge pass.
_STILL = 0.995
FINGERPRINT_CHARS = 16
TREND_ID_CHARS = 15


class ClusterConfig(BaseModel):
    """Clustering parameters. The defaults are the one configuration used for every dataset.

    They were chosen on the evaluation sets (AllSides, UCI News Aggregator, the 2026-02-18 feed
    snapshot) and are deliberately not tuned per dataset; quality is flat around them (B-cubed
    F1 moves by < 0.01 for title weight 1.5-3, entity boost 1.3-1.6, 40-100 summary tokens).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    similarity_threshold: float = Field(
        default=0.25, gt=0.0, le=1.0, description="Minimum cosine(article, centroid) to join a trend."
    )
    merge_threshold: float | None = Field(
        default=0.35,
        gt=0.0,
        le=1.0,
        description="Second pass: merge two open trends whose centroids reach this cosine "
        "(None disables it). Raises UCI B-cubed recall from 0.55 to 0.72, precision 0.87 -> 0.85.",
    )
    quiet_period: timedelta = Field(
        default=timedelta(hours=36), description="A trend with no new article for this long closes."
    )
    join_max_gap: timedelta = Field(
        default=timedelta(hours=JOIN_MAX_GAP_HOURS),
        description="An article may join a trend only when it was published within this of the "
        "trend's span (its last article at most this long before); the trend stays open for "
        "quiet_period.",
    )
    merge_max_gap: timedelta = Field(
        default=timedelta(hours=MERGE_MAX_GAP_HOURS),
        description="Merge pass: two trends are candidates only when the time between one's last "
        "article and the other's first is at most this (their coverage overlaps or nearly does).",
    )
    centroid_half_life: timedelta = Field(
        default=timedelta(hours=24),
        description="An article's weight in its trend's centroid halves after this long, so a long "
        "story follows its latest developments.",
    )
    max_centroid_terms: int = Field(default=60, ge=5, description="Terms kept per trend centroid.")
    max_article_terms: int = Field(default=32, ge=3, description="Terms kept per article vector.")
    lookup_terms_per_article: int = Field(
        default=6, ge=1, description="Most distinctive terms of an article used to find candidates."
    )
    max_candidates_per_article: int = Field(
        default=12, ge=1, description="Candidate trends scored per article (most shared terms first)."
    )
    max_merge_candidates: int = Field(
        default=4, ge=1, description="Candidate trends scored per changed trend in the merge pass."
    )
    max_title_candidates: int = Field(
        default=30, ge=2, description="Titles kept per trend to choose its two headlines from."
    )
    max_recent_member_ids: int = Field(
        default=400, ge=10, description="Member ids kept per trend to skip re-processed articles."
    )
    max_title_fingerprints: int = Field(
        default=200, ge=10, description="Title fingerprints kept per trend to detect wire copy."
    )
    max_hourly_buckets: int = Field(default=168, ge=24, description="Hours of history kept per trend.")
    second_headline_max_overlap: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Max title-word overlap between the two headlines."
    )
    title_weight: float = Field(default=2.0, gt=0.0, description="Weight of a title term (once).")
    summary_weight: float = Field(default=1.0, gt=0.0, description="Weight of a snippet term.")
    entity_boost: float = Field(
        default=1.6, ge=1.0, description="Multiplier for names, acronyms and numbers."
    )
    phrase_weight: float = Field(
        default=0.6, ge=0.0, description="Weight of a two-name phrase term, relative to a name."
    )
    max_summary_tokens: int = Field(
        default=60, ge=0, description="Snippet words read: the lead carries the story."
    )
    df_half_life: timedelta = Field(
        default=timedelta(days=3), description="Document counts of the IDF corpus halve after this long."
    )
    df_max_terms: int = Field(
        default=8000, ge=100, description="Bound on the IDF table (its JSON stays under ~300 KB)."
    )
    df_rebase_interval: timedelta = Field(
        default=timedelta(hours=6), description="How often the IDF table is rescaled and pruned."
    )
    df_min_count: float = Field(default=0.05, ge=0.0, description="Decayed counts below this are dropped.")
    # Semantic path (sentence embeddings given to the run): the score of an article for a trend
    # is (1 - lexical_share) * average-linkage cosine of embeddings + lexical_share * the TF-IDF
    # centroid cosine above. Without embeddings the lexical thresholds above apply unchanged.
    semantic_threshold: float = Field(
        default=0.45, gt=0.0, le=1.0, description="Minimum combined score to join a trend."
    )
    semantic_merge_threshold: float = Field(
        default=0.45, gt=0.0, le=1.0,
        description="Merge pass: two open trends whose combined trend-to-trend score reaches this merge.",
    )
    headline_only_words: int = Field(
        default=5, ge=0,
        description="An article whose summary has fewer words than this is headline-only (no lead).",
    )
    headline_only_factor: float = Field(
        default=0.83, gt=0.0, le=1.0,
        description="Join and merge thresholds are multiplied by this when both sides are headline-"
        "only: two headlines of one story score lower than their title+lead texts (median combined "
        "same-story score 0.518 vs 0.623 on allsides_dev, benchmarks/headline_calibration.py).",
    )
    mixed_text_factor: float = Field(
        default=0.86, gt=0.0, le=1.0,
        description="The same for a headline-only side against a side with leads (median 0.538 vs "
        "0.623 on allsides_dev).",
    )
    lexical_share: float = Field(
        default=0.35, ge=0.0, le=1.0, description="Weight of the lexical cosine in the combined score."
    )
    semantic_candidates: int = Field(
        default=8, ge=1, description="Nearest trends by embedding scored per article (besides lexical ones)."
    )
    syndication_threshold: float = Field(
        default=SYNDICATION_THRESHOLD, gt=0.0, le=1.0,
        description="Estimated shingle Jaccard at which two newsrooms' texts are one wire copy.",
    )
    max_wire_sketches: int = Field(default=60, ge=0, description="Wire-copy sketches kept per trend.")
    split_factor: float = Field(
        default=SPLIT_FACTOR, ge=0.0, le=1.0,
        description="Split pass (domain.split): a trend's two root children leave each other when their "
        "linkage is below this share of the less cohesive child's cohesion (0 disables it).",
    )
    split_min_members: int = Field(default=4, ge=2, description="Kept member vectors a split needs.")
    split_min_part: int = Field(default=2, ge=2, description="Members each part of a split needs.")
    split_max_linkage: float = Field(default=0.55, gt=0.0, le=1.0,
                                     description="A split also needs the parts' linkage below this.")
    max_member_vectors: int = Field(
        default=40, ge=0, description="Latest members kept with their int8 embeddings for the split pass."
    )
    max_split_partners: int = Field(default=20, ge=0, description="Split partners remembered per trend.")

    def weighting(self) -> TermWeighting:
        return TermWeighting(
            title_weight=self.title_weight,
            summary_weight=self.summary_weight,
            entity_boost=self.entity_boost,
            phrase_weight=self.phrase_weight,
            max_summary_tokens=self.max_summary_tokens,
        )


class DocumentFrequencies(BaseModel):
    """Rolling, decayed document frequencies: the IDF corpus shared by successive runs.

    Counts are stored in units of ``reference_time``: the effective count at time T is
    ``count * 2 ** (-(T - reference_time) / df_half_life)``. New documents are added with the
    inverse factor, so a run never rescales the whole table; every ``df_rebase_interval`` the
    table is rescaled once (reference moved to now), tiny counts are dropped and at most
    ``df_max_terms`` terms are kept (terms are at most 20 characters), which keeps the JSON well
    under the 400 KB DynamoDB item limit.
    """

    counts: dict[str, float] = Field(default_factory=dict)
    documents: float = 0.0
    reference_time: UtcDatetime | None = None

    @field_serializer("counts")
    def _round_counts(self, counts: dict[str, float]) -> dict[str, float]:
        return {term: round(value, 4) for term, value in counts.items()}

    @field_serializer("documents")
    def _round_documents(self, documents: float) -> float:
        return round(documents, 4)


class ClusterRunResult(BaseModel):
    """What one run changed; the service persists it."""

    changed: list[TrendState] = Field(description="New or updated trends (open or just closed).")
    new_members: dict[str, list[TrendMember]] = Field(description="trend_id -> members added now.")
    assignments: dict[str, str] = Field(description="article_id -> trend_id, incl. known members.")
    closed: list[str] = Field(description="Trends closed by this run (quiet for quiet_period).")
    frequencies: DocumentFrequencies
    removed_members: dict[str, list[TrendMember]] = Field(
        default_factory=dict,
        description="trend_id -> stored members that left it for a trend split from it (delete them).")


def trend_id_for(article_id: str) -> str:
    """Deterministic trend id from the founding article: a retried run recreates the same id."""
    return "t" + article_id[:TREND_ID_CHARS]


# --- internals ---------------------------------------------------------------------------------


class _Corpus:
    """A run's mutable copy of DocumentFrequencies with a per-run IDF cache."""

    def __init__(self, frequencies: DocumentFrequencies, now: datetime, config: ClusterConfig) -> None:
        self._config = config
        self._half_life = config.df_half_life.total_seconds()
        self.counts = dict(frequencies.counts)
        self.documents = frequencies.documents
        self.reference = frequencies.reference_time or now
        if abs((now - self.reference).total_seconds()) >= config.df_rebase_interval.total_seconds():
            self._rebase(now)
        self.increment = 2.0 ** ((now - self.reference).total_seconds() / self._half_life)
        self._scale = 1.0 / self.increment  # stored units -> effective counts at `now`
        self._numerator = self.documents * self._scale + 1.0
        self._idf: dict[str, float] = {}
        self._pending: list[Iterable[str]] = []

    def _rebase(self, now: datetime) -> None:
        factor = 2.0 ** (-(now - self.reference).total_seconds() / self._half_life)
        floor = self._config.df_min_count
        self.counts = {t: c * factor for t, c in self.counts.items() if c * factor >= floor}
        self.documents *= factor
        self.reference = now

    def add_document(self, terms: Iterable[str]) -> None:
        """Count a document; it takes effect in the next run (see idf)."""
        self._pending.append(terms)

    def _apply_pending(self) -> None:
        increment = self.increment
        counts = self.counts
        for terms in self._pending:
            for term in terms:
                counts[term] = counts.get(term, 0.0) + increment
            self.documents += increment
        self._pending.clear()

    def idf_table(self, terms: Iterable[str]) -> dict[str, float]:
        """IDF of `terms` (and of every term asked before in this run), from the corpus as it
        stood before this run: ``ln((N + 1) / (df + 1)) + 1`` on decayed counts.

        The batch's own articles are deliberately not counted yet: a breaking story arrives as a
        burst, and counting the burst would make its defining words (a name seen for the first
        time in 40 articles at once) look common exactly when they matter most.
        """
        cache = self._idf
        counts = self.counts
        scale = self._scale
        numerator = self._numerator
        log = math.log
        for term in terms:
            if term not in cache:
                cache[term] = log(numerator / (counts.get(term, 0.0) * scale + 1.0)) + 1.0
        return cache

    def freeze(self) -> DocumentFrequencies:
        self._apply_pending()
        counts = self.counts
        limit = self._config.df_max_terms
        if len(counts) > limit:
            # Keep the 60% most frequent (rare terms lose little: an unknown term gets the highest
            # IDF, which is what a rare term has anyway) so this sort runs once per many runs.
            counts = dict(_top_terms(counts, int(limit * 0.6)))
        # Built from validated inputs by this class: skip re-validating thousands of floats.
        return DocumentFrequencies.model_construct(
            counts=counts, documents=self.documents, reference_time=self.reference
        )


@dataclass(slots=True)
class _Doc:
    article: Article
    vector: dict[str, float]
    lookup: tuple[str, ...]
    embedding: Vector | None = None
    kept: MemberVector | None = None  # a member moved by a split: its stored vector and lead flag


@dataclass(slots=True)
class _Working:
    """A trend being changed by this run, in mutable form."""

    trend_id: str
    base: TrendState | None
    centroid: dict[str, float]
    epoch: datetime  # centroid values are in units of this time (see _add)
    norm: float
    article_count: int
    families: dict[str, None]
    outlets: dict[str, None]
    first_seen: datetime
    last_seen: datetime
    hours: dict[datetime, tuple[int, dict[str, None]]] = field(default_factory=dict)
    recent_ids: list[str] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)
    new_members: list[TrendMember] = field(default_factory=list)
    extra_candidates: list[TrendMember] = field(default_factory=list)  # from absorbed trends
    absorbed_into: str | None = None
    embedding_sum: Vector | None = None
    embedding_weight: float = 0.0
    sketches: list[str] = field(default_factory=list)  # "family|sketch", oldest first
    headline_only: int = 0  # members without a lead (see ClusterConfig.headline_only_factor)
    member_vectors: list[MemberVector] = field(default_factory=list)  # oldest first
    split_partners: list[str] = field(default_factory=list)
    removed_members: list[TrendMember] = field(default_factory=list)  # stored ones that left (split)
    removed_ids: set[str] = field(default_factory=set)


def _member(article: Article) -> TrendMember:
    return TrendMember(
        article_id=article.article_id,
        title=article.title,
        url=article.url,
        outlet=article.outlet,
        publisher_family=article.publisher_family,
        published=article.published,
        language=article.language,
    )


def _top_terms(vector: dict[str, float], limit: int) -> list[tuple[str, float]]:
    """The `limit` heaviest terms, heaviest first (a stable sort: ties keep dict order)."""
    return sorted(vector.items(), key=itemgetter(1), reverse=True)[:limit]


def _norm(vector: dict[str, float]) -> float:
    return math.hypot(*vector.values()) if vector else 0.0


class _Run:
    """One invocation of cluster_articles: holds the run-local index and working trends."""

    def __init__(
        self,
        open_trends: Sequence[TrendState],
        frequencies: DocumentFrequencies,
        now: datetime,
        config: ClusterConfig,
        embeddings: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware (UTC)")
        self.embeddings = embeddings or {}
        self.semantic: SemanticIndex | None = None
        self.now = now
        self.config = config
        self.weighting = config.weighting()
        self.states: dict[str, TrendState] = {t.trend_id: t for t in open_trends if t.is_open}
        self.corpus = _Corpus(frequencies, now, config)
        self.working: dict[str, _Working] = {}
        self.norms: dict[str, float] = {}
        self.index: dict[str, dict[str, None]] = {}  # term -> trend ids (an ordered set)
        self.title_vectors: dict[str, tuple[dict[str, float], float]] = {}
        self.lookup_vocabulary: set[str] = set()
        self.assignments: dict[str, str] = {}
        self.half_life = config.centroid_half_life.total_seconds()
        self.quiet = config.quiet_period

    # -- step 1: which articles are new ---------------------------------------------------------

    def select_new(self, articles: Sequence[Article]) -> list[Article]:
        """Drop articles that are already members (retries, overlapping windows, duplicates)."""
        fresh: dict[str, Article] = {}
        for article in articles:
            if article.trend_id is not None:
                self.assignments[article.article_id] = article.trend_id
            elif article.article_id not in fresh:
                fresh[article.article_id] = article
        if not fresh:
            return []
        by_prefix = {aid[:MEMBER_ID_CHARS]: aid for aid in fresh}
        earliest = min(a.published for a in fresh.values())
        latest = max(a.published for a in fresh.values())
        for state in self.states.values():
            # A member was published within [first_seen, last_seen] of its trend: most open
            # trends are ruled out by two comparisons instead of a scan of their member ids.
            if state.last_seen < earliest or state.first_seen > latest:
                continue
            if not by_prefix.keys().isdisjoint(state.recent_member_ids):
                for prefix in state.recent_member_ids:
                    if prefix in by_prefix:
                        self.assignments[by_prefix[prefix]] = state.trend_id
        for aid in fresh:
            tid = trend_id_for(aid)
            if tid in self.states:
                self.assignments[aid] = tid
        new = [a for aid, a in fresh.items() if aid not in self.assignments]
        new.sort(key=lambda a: (a.published, a.article_id))
        return new

    # -- step 2: vectors with rolling IDF -------------------------------------------------------

    def vectorize(self, articles: list[Article]) -> list[_Doc]:
        """Unit TF-IDF vectors (top `max_article_terms` terms) and each article's lookup terms."""
        raw = [article_terms(a.title, a.summary, self.weighting) for a in articles]
        embeddings = self.embeddings
        for terms in raw:
            self.corpus.add_document(terms)
        idf = self.corpus.idf_table(term for terms in raw for term in terms)
        docs: list[_Doc] = []
        for article, terms in zip(articles, raw, strict=True):
            vector, lookup = self._weigh(terms, idf)
            self.lookup_vocabulary.update(lookup)
            embedding = embeddings.get(article.article_id)
            if embedding is not None and not model_reads(embedding_text(article.title, article.summary)):
                embedding = None  # a script the model does not read: its words decide (model_reads)
            docs.append(_Doc(article, vector, lookup,
                             None if embedding is None else as_vector(embedding)))
        return docs

    def _weigh(self, terms: Mapping[str, float], idf: Mapping[str, float]
               ) -> tuple[dict[str, float], tuple[str, ...]]:
        """A document's unit TF-IDF vector (top `max_article_terms`) and its lookup terms."""
        # Stable sort: equal weights keep text order, so the result is the same everywhere.
        weighted = sorted([(t, w * idf[t]) for t, w in terms.items()], key=itemgetter(1), reverse=True)
        del weighted[self.config.max_article_terms:]
        norm = math.hypot(*[w for _, w in weighted]) if weighted else 1.0
        vector = {t: w / norm for t, w in weighted}
        return vector, tuple(t for t, _ in weighted[: self.config.lookup_terms_per_article])

    # -- step 3: inverted index over open centroids ---------------------------------------------

    def build_index(self) -> None:
        """Index the open trends' centroid terms, restricted to the terms this batch looks up.

        One C-level set intersection per open trend; a trend sharing no lookup term is never
        touched again in this run.
        """
        if self.embeddings:
            self._build_semantic()
        intersect = self.lookup_vocabulary.intersection
        index = self.index
        for tid, state in self.states.items():
            hits = intersect(state.centroid)
            if hits:
                for term in hits:
                    postings = index.get(term)
                    if postings is None:
                        index[term] = {tid: None}
                    else:
                        postings[tid] = None

    def _build_semantic(self) -> None:
        dimensions = len(next(iter(self.embeddings.values())))
        semantic = self.semantic = SemanticIndex(dimensions, capacity=len(self.states) + 64)
        sums = {tid: unpack_sum(state.embedding_sum) for tid, state in self.states.items()}
        semantic.load([
            (tid, total, state.embedding_weight, state.first_seen, state.last_seen)
            for tid, state in self.states.items()
            if (total := sums[tid]) is not None and len(total) == dimensions
        ])

    def _index_add(self, tid: str, terms: Iterable[str]) -> None:
        vocabulary = self.lookup_vocabulary
        for term in terms:
            if term in vocabulary:
                postings = self.index.get(term)
                if postings is None:
                    self.index[term] = {tid: None}
                else:
                    postings[tid] = None

    # -- step 4: assignment ---------------------------------------------------------------------

    def _centroid(self, tid: str) -> tuple[dict[str, float], float, datetime, datetime]:
        work = self.working.get(tid)
        if work is not None:
            return work.centroid, work.norm, work.first_seen, work.last_seen
        state = self.states[tid]
        norm = self.norms.get(tid)
        if norm is None:
            norm = _norm(state.centroid)
            self.norms[tid] = norm
        return state.centroid, norm, state.first_seen, state.last_seen

    def best_trend(self, doc: _Doc) -> tuple[str | None, float]:
        """The most similar eligible trend among the candidates sharing the article's lookup terms."""
        counter: Counter[str] = Counter()
        for term in doc.lookup:
            postings = self.index.get(term)
            if postings:
                counter.update(postings.keys())
        if not counter:
            return None, 0.0
        # Eligible: the article falls within join_max_gap of the trend's span.
        gap = self.config.join_max_gap
        earliest_last_seen = doc.article.published - gap
        latest_first_seen = doc.article.published + gap
        vector = doc.vector
        terms = vector.keys()
        best_id: str | None = None
        best = 0.0
        working = self.working
        for tid, _shared in counter.most_common(self.config.max_candidates_per_article):
            work = working.get(tid)
            if work is not None:
                centroid, norm, first_seen, last_seen = (
                    work.centroid,
                    work.norm,
                    work.first_seen,
                    work.last_seen,
                )
            else:
                centroid, norm, first_seen, last_seen = self._centroid(tid)
            if norm <= 0.0 or last_seen < earliest_last_seen or first_seen > latest_first_seen:
                continue
            # fsum is exactly rounded, so the score does not depend on set iteration order (which
            # varies between processes): a retried run makes the same choices.
            score = math.fsum([vector[term] * centroid[term] for term in terms & centroid.keys()]) / norm
            if score > best:
                best, best_id = score, tid
        return best_id, best

    def _lexical_score(self, vector: dict[str, float], tid: str) -> float:
        centroid, norm, _, _ = self._centroid(tid)
        if norm <= 0.0:
            return 0.0
        return math.fsum([vector[term] * centroid[term] for term in vector.keys() & centroid.keys()]) / norm

    def combined(self, semantic: float | None, lexical: float) -> float:
        """The semantic-path score; a trend stored before embeddings existed is scored by its
        lexical cosine put on the same scale (thresholds aligned)."""
        config = self.config
        if semantic is None:
            return lexical * config.semantic_threshold / config.similarity_threshold
        share = config.lexical_share
        return (1.0 - share) * semantic + share * lexical

    def best_trend_semantic(self, doc: _Doc, embedding: Vector) -> tuple[str | None, float]:
        """Best trend by the combined score, among the nearest trends by embedding and the
        trends sharing the article's lookup terms."""
        assert self.semantic is not None
        published = doc.article.published
        gap = self.config.join_max_gap
        nearest = self.semantic.nearest(embedding, earliest_last=published - gap,
                                        latest_first=published + gap,
                                        limit=self.config.semantic_candidates)
        candidates: dict[str, float | None] = dict(nearest)
        counter: Counter[str] = Counter()
        for term in doc.lookup:
            postings = self.index.get(term)
            if postings:
                counter.update(postings.keys())
        for tid, _shared in counter.most_common(self.config.max_candidates_per_article):
            if tid not in candidates:
                _, _, first_seen, last_seen = self._centroid(tid)
                if last_seen >= published - gap and first_seen <= published + gap:
                    candidates[tid] = self.semantic.similarity(tid, embedding)
        best_id: str | None = None
        best = 0.0
        headline = self.is_headline_only(doc.article)
        for tid in sorted(candidates):
            score = self.combined(candidates[tid], self._lexical_score(doc.vector, tid))
            threshold = self.config.semantic_threshold * self.text_factor(headline, self._headline_trend(tid))
            if score > best and score >= threshold:
                best, best_id = score, tid
        return best_id, best

    def is_headline_only(self, article: Article) -> bool:
        limit = self.config.headline_only_words
        return limit > 0 and len(article.summary.split(maxsplit=limit)) < limit

    def _headline_trend(self, tid: str) -> bool:
        """A trend most of whose members are headline-only."""
        work = self.working.get(tid)
        if work is not None:
            return 2 * work.headline_only > work.article_count
        state = self.states[tid]
        return 2 * state.headline_only_members > state.article_count

    def text_factor(self, first_headline_only: bool, second_headline_only: bool) -> float:
        """Threshold scale for a pair by how much text each side has (headline only or with lead)."""
        if first_headline_only and second_headline_only:
            return self.config.headline_only_factor
        if first_headline_only or second_headline_only:
            return self.config.mixed_text_factor
        return 1.0

    def assign(self, docs: list[_Doc]) -> None:
        """Join the best trend at or above the threshold, else found one (id from the article)."""
        for doc in docs:
            if doc.embedding is not None and self.semantic is not None:
                threshold = 0.0  # each candidate was held to its own threshold
                tid, score = self.best_trend_semantic(doc, doc.embedding)
            else:
                threshold = self.config.similarity_threshold
                tid, score = self.best_trend(doc)
            if tid is None or score < threshold:
                tid = trend_id_for(doc.article.article_id)
                work = self._start(tid, doc.article)
            else:
                work = self._open_working(tid)
            self._add(work, doc)
            self._index_add(tid, doc.vector)
            self.assignments[doc.article.article_id] = tid

    def _start(self, tid: str, article: Article) -> _Working:
        work = _Working(
            trend_id=tid,
            base=None,
            centroid={},
            epoch=article.published,
            norm=0.0,
            article_count=0,
            families={},
            outlets={},
            first_seen=article.published,
            last_seen=article.published,
        )
        self.working[tid] = work
        return work

    def _open_working(self, tid: str) -> _Working:
        work = self.working.get(tid)
        if work is not None:
            return work
        state = self.states[tid]
        work = _Working(
            trend_id=tid,
            base=state,
            centroid=dict(state.centroid),
            epoch=state.last_seen,
            norm=self._centroid(tid)[1],
            article_count=state.article_count,
            families=dict.fromkeys(state.source_families),
            outlets=dict.fromkeys(state.outlets),
            first_seen=state.first_seen,
            last_seen=state.last_seen,
            recent_ids=list(state.recent_member_ids),
            fingerprints=dict(state.title_fingerprints),
            embedding_sum=unpack_sum(state.embedding_sum),
            embedding_weight=state.embedding_weight if state.embedding_sum is not None else 0.0,
            sketches=list(state.wire_sketches),
            headline_only=state.headline_only_members,
            member_vectors=list(state.member_vectors),
            split_partners=list(state.split_partners),
        )
        self.working[tid] = work
        return work

    def _add(self, work: _Working, doc: _Doc) -> None:
        """Add one article: decayed centroid, counters, sources, hourly bucket.

        Wire copy: ingest gives every article a digest of its normalized title. The trend keeps,
        for its latest ``max_title_fingerprints`` titles, which newsroom published each first; an
        article repeating a title first published by another newsroom (AP copy run verbatim by
        Yahoo) is coverage (article count, outlet, coverage list) but adds no independent source,
        neither to ``source_families`` nor to the hour's sources. Cost: one dict lookup.
        """
        article = doc.article
        config = self.config
        # Centroid values are kept in units of `epoch`; a later article weighs 2**(dt/half_life)
        # relative to them, which is the same as decaying the older mass (rescaled in finalize).
        weight = 2.0 ** ((article.published - work.epoch).total_seconds() / self.half_life)
        centroid = work.centroid
        for term, value in doc.vector.items():
            centroid[term] = centroid.get(term, 0.0) + value * weight
        if len(centroid) > 2 * config.max_centroid_terms:
            work.centroid = centroid = dict(_top_terms(centroid, config.max_centroid_terms))
        work.norm = _norm(centroid)
        work.article_count += 1
        work.headline_only += self.is_headline_only(article)
        work.first_seen = min(work.first_seen, article.published)
        work.last_seen = max(work.last_seen, article.published)
        work.outlets.setdefault(article.outlet, None)
        family = article.publisher_family
        wire_copy = False
        fingerprint = article.title_fingerprint[:FINGERPRINT_CHARS]
        if fingerprint:
            owner = work.fingerprints.get(fingerprint)
            if owner is None:
                work.fingerprints[fingerprint] = family
                if len(work.fingerprints) > config.max_title_fingerprints:
                    del work.fingerprints[next(iter(work.fingerprints))]
            wire_copy = owner is not None and owner != family
        wire_copy = self._note_sketch(work, article) or wire_copy
        if not wire_copy:
            work.families.setdefault(family, None)
        if doc.embedding is not None:
            self._add_embedding(work, doc.embedding, 1.0)
            if config.max_member_vectors > 0:
                work.member_vectors.append(doc.kept or MemberVector(
                    **_member(article).model_dump(), lead=not self.is_headline_only(article),
                    vector=quantize(doc.embedding)))
                if len(work.member_vectors) > config.max_member_vectors:
                    del work.member_vectors[: len(work.member_vectors) - config.max_member_vectors]
        hour = hour_floor(article.published)
        count, sources = work.hours.get(hour) or self._base_hour(work, hour)
        if not wire_copy:
            sources = {**sources, family: None} if family not in sources else sources
        work.hours[hour] = (count + 1, sources)
        work.recent_ids.append(article.article_id[:MEMBER_ID_CHARS])
        if len(work.recent_ids) > config.max_recent_member_ids:
            del work.recent_ids[: len(work.recent_ids) - config.max_recent_member_ids]
        work.new_members.append(_member(article))

    def _note_sketch(self, work: _Working, article: Article) -> bool:
        """Keep the article's wire sketch; True when it copies another newsroom's text."""
        limit = self.config.max_wire_sketches
        if limit == 0:
            return False
        sketch = wire_sketch(article.title, article.summary)
        if not sketch:
            return False
        family = article.publisher_family
        threshold = self.config.syndication_threshold
        copied = False
        for entry in work.sketches:
            owner, _, other = entry.partition("|")
            if owner != family and sketch_similarity(sketch, other) >= threshold:
                copied = True
                break
        work.sketches.append(f"{family}|{sketch}")
        if len(work.sketches) > limit:
            del work.sketches[: len(work.sketches) - limit]
        return copied

    def _add_embedding(self, work: _Working, total: Vector, weight: float) -> None:
        """Add embeddings already scaled to the trend's time units (see _add)."""
        if work.embedding_sum is None:
            if work.base is not None and work.base.article_count > 0:
                return  # a trend from the lexical era: its mean would describe only new members
            work.embedding_sum = np.zeros_like(total)
        work.embedding_sum = work.embedding_sum + total
        work.embedding_weight += weight
        if self.semantic is not None:
            self.semantic.put(work.trend_id, work.embedding_sum, work.embedding_weight,
                              work.first_seen, work.last_seen)

    @staticmethod
    def _base_hour(work: _Working, hour: datetime) -> tuple[int, dict[str, None]]:
        if work.base is not None:
            for bucket in reversed(work.base.hourly):
                if bucket.hour == hour:
                    return bucket.articles, dict.fromkeys(bucket.sources)
        return 0, {}

    # -- step 5: split (a distinct event leaves the trend) -------------------------------------

    def split(self) -> None:
        """Split: for each trend this run touched, the part of its latest members that is a distinct
        event (domain.split.find_split) becomes a trend of its own; the larger part keeps the id.
        A trend split in this run is not examined again before the next run."""
        config = self.config
        if config.split_factor <= 0.0 or self.semantic is None:
            return
        made: set[str] = set()
        for work in sorted(self.working.values(), key=lambda w: (w.first_seen, w.trend_id)):
            if work.absorbed_into is not None or work.trend_id in made:
                continue
            decision = find_split(work.member_vectors, factor=config.split_factor,
                                  min_members=config.split_min_members, min_part=config.split_min_part,
                                  max_linkage=config.split_max_linkage)
            if decision is None:
                continue
            leaving = sorted((work.member_vectors[i] for i in decision.leaving),
                             key=lambda m: (m.published, m.article_id))
            made.add(work.trend_id)
            made.add(self._split_off(work, leaving))

    def _split_off(self, work: _Working, leaving: list[MemberVector]) -> str:
        """Move `leaving` (kept members of `work`) to a new trend; return its id."""
        new_id = trend_id_for(leaving[0].article_id)
        if new_id == work.trend_id:  # the founding article leaves: the staying part keeps the id
            new_id = trend_id_for(hashlib.sha256(f"{leaving[0].article_id}#split".encode()).hexdigest())
        docs = [self._member_doc(member) for member in leaving]
        part = self._start(new_id, docs[0].article)
        for doc in docs:
            self._add(part, doc)
            self._index_add(new_id, doc.vector)
            self.assignments[doc.article.article_id] = new_id
        part.headline_only = sum(not m.lead for m in leaving)
        part.split_partners = [work.trend_id]
        self._subtract(work, leaving, docs)
        work.split_partners.append(new_id)
        return new_id

    def _member_doc(self, member: MemberVector) -> _Doc:
        """A kept member as a document: its title's TF-IDF (the lead is not kept) and its embedding."""
        article = Article(
            article_id=member.article_id, url=member.url, title=member.title, published=member.published,
            ingested_at=member.published, feed_id=member.publisher_family, outlet=member.outlet,
            publisher_family=member.publisher_family, title_fingerprint=title_fingerprint(member.title))
        terms = article_terms(article.title, "", self.weighting)
        # read only: a moved member is no new document of the corpus
        vector, lookup = self._weigh(terms, self.corpus.idf_table(terms))
        return _Doc(article, vector, lookup, dequantize(member.vector), kept=member)

    def _subtract(self, work: _Working, leaving: list[MemberVector], docs: list[_Doc]) -> None:
        """Take the members that left out of the staying trend's counters, sums and series."""
        ids = {member.article_id for member in leaving}
        staying = [m for m in work.member_vectors if m.article_id not in ids]
        work.member_vectors = staying
        work.removed_ids |= ids
        fresh = {m.article_id for m in work.new_members}
        work.new_members = [m for m in work.new_members if m.article_id not in ids]
        work.removed_members.extend(TrendMember(**m.model_dump(include=set(TrendMember.model_fields)))
                                    for m in leaving if m.article_id not in fresh)
        work.article_count -= len(leaving)
        work.headline_only = max(0, work.headline_only - sum(not m.lead for m in leaving))
        self._subtract_vectors(work, docs)
        for member in leaving:
            hour = hour_floor(member.published)
            count, sources = work.hours.get(hour) or self._base_hour(work, hour)
            same = any(m.publisher_family == member.publisher_family and hour_floor(m.published) == hour
                       for m in staying)
            work.hours[hour] = (max(0, count - 1), sources if same else
                                {f: None for f in sources if f != member.publisher_family})
        self._recount_sources(work, leaving, staying)
        prefixes = {aid[:MEMBER_ID_CHARS] for aid in ids}
        work.recent_ids = [p for p in work.recent_ids if p not in prefixes]
        for member in leaving:
            fingerprint = title_fingerprint(member.title)[:FINGERPRINT_CHARS]
            if work.fingerprints.get(fingerprint) == member.publisher_family:
                del work.fingerprints[fingerprint]

    def _subtract_vectors(self, work: _Working, docs: list[_Doc]) -> None:
        """The centroid (title terms, clamped at zero) and the embedding sum without `docs`."""
        centroid = work.centroid
        for doc in docs:
            weight = 2.0 ** ((doc.article.published - work.epoch).total_seconds() / self.half_life)
            for term, value in doc.vector.items():
                left = centroid.get(term, 0.0) - value * weight
                if left > 1e-9:
                    centroid[term] = left
                else:
                    centroid.pop(term, None)
        work.norm = _norm(centroid)
        if work.embedding_sum is not None:
            for doc in docs:
                if doc.embedding is not None and len(doc.embedding) == len(work.embedding_sum):
                    work.embedding_sum = work.embedding_sum - doc.embedding
                    work.embedding_weight = max(0.0, work.embedding_weight - 1.0)
            if self.semantic is not None and work.embedding_weight > 0:
                self.semantic.put(work.trend_id, work.embedding_sum, work.embedding_weight,
                                  work.first_seen, work.last_seen)

    def _recount_sources(self, work: _Working, leaving: list[MemberVector],
                         staying: list[MemberVector]) -> None:
        """Newsrooms, outlets and time span of the staying trend: a newsroom or outlet only the
        leaving members had goes; members older than the kept vectors stay as they were."""
        in_buckets: set[str] = {f for _, sources in work.hours.values() for f in sources}
        if work.base is not None:
            in_buckets.update(f for b in work.base.hourly if b.hour not in work.hours for f in b.sources)
        families = {m.publisher_family for m in staying} | in_buckets
        gone = {m.publisher_family for m in leaving} - families
        work.families = {f: None for f in work.families if f not in gone}
        outlets = {m.outlet for m in staying}
        work.outlets = {o: None for o in work.outlets
                        if o in outlets or not any(m.outlet == o for m in leaving)}
        if staying:
            older_unkept = work.article_count > len(staying)
            if not older_unkept:
                work.first_seen = min(m.published for m in staying)
            work.last_seen = max([m.published for m in staying]
                                 + ([work.first_seen] if older_unkept else []))

    def _split_pair(self, first: str, second: str) -> bool:
        """Whether one of the two trends was split from the other (never merged back)."""
        return second in self._partners(first) or first in self._partners(second)

    def _partners(self, tid: str) -> list[str]:
        work = self.working.get(tid)
        if work is not None:
            return work.split_partners
        state = self.states.get(tid)
        return state.split_partners if state is not None else []

    # -- step 5: refine (merge converged trends) -----------------------------------------------

    def refine(self) -> None:
        """Refine: fold a younger open trend into an older one when their centroids have
        converged above ``merge_threshold`` (a story that started twice, e.g. from two angles,
        and whose coverage has since met). Only trends touched by this run are examined, against
        candidates from the same inverted index; the older id survives."""
        threshold = self.config.merge_threshold
        if threshold is None:
            return
        for work in sorted(self.working.values(), key=lambda w: (w.first_seen, w.trend_id)):
            if not self._moved(work):
                continue
            while work.absorbed_into is None:
                partner = self._merge_partner(work, threshold)
                if partner is None:
                    break
                older, younger = sorted((work, partner), key=lambda w: (w.first_seen, w.trend_id))
                self._absorb(older, younger)

    def _moved(self, work: _Working) -> bool:
        """Whether a trend's centroid moved enough in this run to possibly reach a new partner.

        A large trend that received one article barely moves; re-checking it against its
        neighbours every run would cost the most exactly for the biggest stories. Any partner
        that did move checks it from its own side.
        """
        base = work.base
        if base is None or work.extra_candidates or not base.centroid:
            return True
        if self.semantic is not None and work.embedding_sum is not None:
            return True  # one matrix-vector product: cheap enough to check every touched trend
        before = base.centroid  # same time units as work.centroid (epoch = base.last_seen)
        dot = math.fsum([before[term] * work.centroid[term] for term in before.keys() & work.centroid.keys()])
        similarity = dot / (self._centroid_norm(base) * work.norm) if work.norm > 0 else 1.0
        return similarity < _STILL

    def _centroid_norm(self, state: TrendState) -> float:
        norm = self.norms.get(state.trend_id)
        if norm is None:
            norm = self.norms[state.trend_id] = _norm(state.centroid)
        return norm

    def _merge_partner(self, work: _Working, threshold: float) -> _Working | None:
        if self.semantic is not None and work.embedding_sum is not None and work.embedding_weight > 0:
            return self._semantic_merge_partner(work)
        counter: Counter[str] = Counter()
        vocabulary = self.lookup_vocabulary
        for term in work.centroid:
            if term in vocabulary:
                counter.update(self.index.get(term, {}).keys())
        best_id: str | None = None
        best = threshold
        gap = self.config.merge_max_gap
        counter.pop(work.trend_id, None)
        mine = work.centroid
        for tid, _shared in counter.most_common(self.config.max_merge_candidates):
            other = self.working.get(tid)
            if other is not None and other.absorbed_into is not None:
                continue
            if self._split_pair(work.trend_id, tid):
                continue
            centroid, norm, first_seen, last_seen = self._centroid(tid)
            if norm <= 0.0 or first_seen - gap > work.last_seen or work.first_seen - gap > last_seen:
                continue
            dot = math.fsum([mine[term] * centroid[term] for term in mine.keys() & centroid.keys()])
            score = dot / (norm * work.norm)
            if score >= best:
                best, best_id = score, tid
        return None if best_id is None else self._open_working(best_id)

    def _semantic_merge_partner(self, work: _Working) -> _Working | None:
        """The open trend with the best combined trend-to-trend score at or above
        ``semantic_merge_threshold`` (average linkage of embeddings + centroid cosine)."""
        assert self.semantic is not None
        assert work.embedding_sum is not None
        mean = work.embedding_sum / work.embedding_weight
        gap = self.config.merge_max_gap
        nearest = self.semantic.nearest(mean, earliest_last=work.first_seen - gap,
                                        latest_first=work.last_seen + gap,
                                        limit=self.config.max_merge_candidates + 1)
        best_id: str | None = None
        best = 0.0
        for tid, similarity in nearest:
            other = self.working.get(tid)
            if (tid == work.trend_id or (other is not None and other.absorbed_into is not None)
                    or self._split_pair(work.trend_id, tid)):
                continue
            centroid, norm, _, _ = self._centroid(tid)
            lexical = 0.0
            if norm > 0.0 and work.norm > 0.0:
                mine = work.centroid
                dot = math.fsum([mine[term] * centroid[term] for term in mine.keys() & centroid.keys()])
                lexical = dot / (norm * work.norm)
            score = self.combined(similarity, lexical)
            threshold = self.config.semantic_merge_threshold * self.text_factor(
                self._headline_trend(work.trend_id), self._headline_trend(tid))
            if score >= best and score >= threshold:
                best, best_id = score, tid
        return None if best_id is None else self._open_working(best_id)

    def _absorb(self, survivor: _Working, absorbed: _Working) -> None:
        config = self.config
        # Express the absorbed centroid in the survivor's time units (see _add).
        factor = 2.0 ** ((absorbed.epoch - survivor.epoch).total_seconds() / self.half_life)
        centroid = survivor.centroid
        for term, value in absorbed.centroid.items():
            centroid[term] = centroid.get(term, 0.0) + value * factor
        if len(centroid) > 2 * config.max_centroid_terms:
            survivor.centroid = centroid = dict(_top_terms(centroid, config.max_centroid_terms))
        survivor.norm = _norm(centroid)
        survivor.article_count += absorbed.article_count
        survivor.headline_only += absorbed.headline_only
        survivor.families.update(dict.fromkeys(absorbed.families))
        survivor.outlets.update(dict.fromkeys(absorbed.outlets))
        survivor.first_seen = min(survivor.first_seen, absorbed.first_seen)
        survivor.last_seen = max(survivor.last_seen, absorbed.last_seen)
        hours = {}
        if absorbed.base is not None:
            hours = {b.hour: (b.articles, dict.fromkeys(b.sources)) for b in absorbed.base.hourly}
        hours.update(absorbed.hours)
        for hour, (count, sources) in hours.items():
            current, current_sources = survivor.hours.get(hour) or self._base_hour(survivor, hour)
            survivor.hours[hour] = (current + count, {**current_sources, **sources})
        survivor.recent_ids = (survivor.recent_ids + absorbed.recent_ids)[-config.max_recent_member_ids :]
        for fingerprint, family in absorbed.fingerprints.items():
            survivor.fingerprints.setdefault(fingerprint, family)
        while len(survivor.fingerprints) > config.max_title_fingerprints:
            del survivor.fingerprints[next(iter(survivor.fingerprints))]
        survivor.sketches = (survivor.sketches + absorbed.sketches)[-config.max_wire_sketches :]
        if absorbed.embedding_sum is not None:
            # The absorbed sum is in its own time units (see the centroid above).
            self._add_embedding(survivor, absorbed.embedding_sum, absorbed.embedding_weight)
        if self.semantic is not None:
            self.semantic.remove(absorbed.trend_id)
        survivor.new_members.extend(absorbed.new_members)
        if absorbed.base is not None:
            survivor.extra_candidates.extend(absorbed.base.title_candidates)
        survivor.extra_candidates.extend(absorbed.extra_candidates)
        absorbed.absorbed_into = survivor.trend_id
        for article_id, tid in self.assignments.items():
            if tid == absorbed.trend_id:
                self.assignments[article_id] = survivor.trend_id
        self._index_add(survivor.trend_id, absorbed.centroid)

    # -- step 6: headline (output) -------------------------------------------------------------------------

    def _title_score(self, title: str, centroid: dict[str, float], norm: float) -> float:
        """Cosine of a title's raw terms with the centroid: how representative a headline is.
        The centroid already carries IDF, so the title's own weights are left raw (and cached
        across runs)."""
        cached = self.title_vectors.get(title)
        if cached is None:
            cached = self.title_vectors[title] = title_vector(title, self.weighting)
        vector, length = cached
        if length <= 0.0 or norm <= 0.0:
            return 0.0
        dot = 0.0
        for term, weight in vector.items():
            value = centroid.get(term)
            if value is not None:
                dot += weight * value
        # Straight reports before explainers, galleries, live blogs and listicles (headlines.py).
        return dot / (length * norm) * headline_weight(title)

    def _pick_candidates(self, work: _Working, centroid: dict[str, float]) -> list[TrendMember]:
        """Rank headline candidates by closeness to the centroid, keep a bounded, diverse set.

        The stored candidates are already ranked (best first) from the previous run. Only their
        top ``_RESCORED`` and the new titles are re-scored against the moved centroid; the stored
        tail keeps its order, ahead of new titles that score below the re-scored top. This bounds
        the work per run for long stories while the headline still follows the coverage. When
        the set is full, one title per newsroom is kept first so a distinct second headline
        exists.
        """
        stored = [m for m in (work.base.title_candidates if work.base is not None else [])
                  if m.article_id not in work.removed_ids]
        seen = {member.article_id for member in stored} | work.removed_ids
        fresh = []
        for member in [*work.extra_candidates, *work.new_members]:
            if member.article_id not in seen:
                seen.add(member.article_id)
                fresh.append(member)
        head, tail = stored[:_RESCORED], stored[_RESCORED:]
        norm = _norm(centroid)
        score = self._title_score
        ranked = sorted(
            (-score(m.title, centroid, norm), m.published, m.article_id, m) for m in [*head, *fresh]
        )
        if tail:
            head_ids = {member.article_id for member in head}
            cutoff = max(entry[0] for entry in ranked if entry[2] in head_ids)
            ordered = (
                [e[3] for e in ranked if e[0] <= cutoff] + tail + [e[3] for e in ranked if e[0] > cutoff]
            )
        else:
            ordered = [entry[3] for entry in ranked]
        limit = self.config.max_title_candidates
        if len(ordered) <= limit:
            return ordered
        kept: dict[str, TrendMember] = {}
        seen_families: set[str] = set()
        for member in ordered:
            if member.publisher_family not in seen_families:
                seen_families.add(member.publisher_family)
                kept[member.article_id] = member
                if len(kept) == limit:
                    break
        for member in ordered:
            if len(kept) == limit:
                break
            kept.setdefault(member.article_id, member)
        rank = {member.article_id: index for index, member in enumerate(ordered)}
        return sorted(kept.values(), key=lambda m: rank[m.article_id])

    def _second_headline(self, candidates: list[TrendMember]) -> TrendMember | None:
        headline = candidates[0]
        limit = self.config.second_headline_max_overlap
        for member in candidates[1:]:
            if (
                member.publisher_family != headline.publisher_family
                and title_overlap(member.title, headline.title) <= limit
                and not is_roundup(member.title)
            ):
                return member
        return None

    def _hourly(self, work: _Working) -> list[HourBucket]:
        base = list(work.base.hourly) if work.base is not None else []
        touched = sorted(work.hours)
        if base and touched and touched[0] < base[-1].hour:
            # An article older than the latest stored hour: rebuild the series.
            merged = {bucket.hour: bucket for bucket in base}
            for hour in touched:
                count, sources = work.hours[hour]
                merged[hour] = HourBucket(hour=hour, articles=count, sources=list(sources))
            base = [merged[hour] for hour in sorted(merged)]
        else:
            # Usual case: new articles only touch the latest hour(s); reuse the stored buckets.
            if base and touched and touched[0] == base[-1].hour:
                base.pop()
            for hour in touched:
                count, sources = work.hours[hour]
                base.append(HourBucket(hour=hour, articles=count, sources=list(sources)))
        return [bucket for bucket in base if bucket.articles > 0][-self.config.max_hourly_buckets :]

    def finalize(self, work: _Working) -> TrendState:
        config = self.config
        factor = 2.0 ** (-(work.last_seen - work.epoch).total_seconds() / self.half_life)
        top = _top_terms(work.centroid, config.max_centroid_terms)
        centroid = {term: value * factor for term, value in top}
        candidates = self._pick_candidates(work, centroid)
        second = self._second_headline(candidates)
        fields = {
            "trend_id": work.trend_id,
            "is_open": work.last_seen >= self.now - self.quiet,
            "centroid": centroid,
            "article_count": work.article_count,
            "source_families": list(work.families),
            "outlets": list(work.outlets),
            "first_seen": work.first_seen,
            "last_seen": work.last_seen,
            "hourly": self._hourly(work),
            "headline": candidates[0].title,
            "headline_article_id": candidates[0].article_id,
            "second_headline": second.title if second is not None else None,
            "second_headline_article_id": second.article_id if second is not None else None,
            "title_candidates": candidates,
            "updated_at": self.now,
            "version": (work.base.version if work.base is not None else 0) + 1,
            "recent_member_ids": work.recent_ids,
            "title_fingerprints": work.fingerprints,
            "embedding_sum": None if work.embedding_sum is None else pack_floats(work.embedding_sum.tolist()),
            "embedding_weight": work.embedding_weight,
            "wire_sketches": work.sketches,
            "headline_only_members": work.headline_only,
            "member_vectors": work.member_vectors[len(work.member_vectors) - config.max_member_vectors:]
            if config.max_member_vectors else [],
            "split_partners": work.split_partners[-config.max_split_partners:],
        }
        # No re-validation: every value comes from validated models or from this module, and
        # validating ~30 members, ~170 hourly buckets and 400 ids per changed trend per run would
        # cost more than the clustering itself. An existing trend is copied so that fields other
        # stages own (lifecycle status, category, topics, ...) survive the update.
        # (Not model_construct for a new trend: pydantic inspects every default factory's
        # signature there, which costs a millisecond per call.)
        base = work.base or TrendState(
            trend_id=work.trend_id, first_seen=work.first_seen, last_seen=work.last_seen
        )
        return base.model_copy(update=fields)

    def headline(self) -> ClusterRunResult:
        """Headline: every changed trend finalized with its two headlines (`finalize`), as the result."""
        changed: dict[str, TrendState] = {}
        new_members: dict[str, list[TrendMember]] = {}
        removed = {tid: work.removed_members for tid, work in self.working.items()
                   if work.removed_members and work.absorbed_into is None}
        for tid, work in self.working.items():
            if work.absorbed_into is not None:
                if work.base is not None:  # a trend created in this run and absorbed never existed
                    changed[tid] = work.base.model_copy(
                        update={
                            "is_open": False,
                            "merged_into": work.absorbed_into,
                            "updated_at": self.now,
                            "version": work.base.version + 1,
                        }
                    )
                continue
            changed[tid] = self.finalize(work)
            if work.new_members:
                new_members[tid] = work.new_members
        cutoff = self.now - self.quiet
        for tid, state in self.states.items():
            if tid not in changed and state.last_seen < cutoff:
                changed[tid] = state.model_copy(
                    update={"is_open": False, "updated_at": self.now, "version": state.version + 1}
                )
        closed = sorted(tid for tid, state in changed.items() if not state.is_open)
        return ClusterRunResult(
            changed=[changed[tid] for tid in sorted(changed)],
            new_members=new_members,
            assignments=self.assignments,
            closed=closed,
            frequencies=self.corpus.freeze(),
            removed_members=removed,
        )


def cluster_articles(
    open_trends: Sequence[TrendState],
    articles: Sequence[Article],
    frequencies: DocumentFrequencies,
    *,
    now: datetime,
    config: ClusterConfig,
    embeddings: Mapping[str, Sequence[float]] | None = None,
) -> ClusterRunResult:
    """Assign `articles` (one scheduled run's batch) to `open_trends` or to new trends.

    Pure: inputs are not mutated. Articles already in a trend are skipped (idempotent retries);
    the others are processed in publish-time order. Trends quiet since `now - quiet_period` are
    closed. The updated IDF corpus is returned in the result.
    """
    # The named steps of a run: vectorize (TF-IDF + embeddings), index the open trends, assign each
    # article, split (a distinct event inside a touched trend leaves it: domain.split), refine
    # (merge converged fragments, never a split pair), headline (finalize every changed trend).
    run = _Run(open_trends, frequencies, now, config, embeddings)
    fresh = run.select_new(articles)
    if fresh:
        docs = run.vectorize(fresh)
        run.build_index()
        run.assign(docs)
        run.split()
        run.refine()
    return run.headline()


SCHEDULE_STEP = timedelta(minutes=15)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cluster_in_windows(
    open_trends: Sequence[TrendState],
    articles: Sequence[Article],
    frequencies: DocumentFrequencies,
    *,
    now: datetime,
    config: ClusterConfig,
    step: timedelta = SCHEDULE_STEP,
    embeddings: Mapping[str, Sequence[float]] | None = None,
) -> ClusterRunResult:
    """`cluster_articles` over publish-time windows of `step`, as if each had been its own run.

    A backlog (the first run, a run after an outage, a folder of feeds ingested at once) holds
    days of news. Clustered in one call, it would be weighed with an IDF corpus that has not
    seen any of it yet, and trends would be closed only against the final `now`. Replaying it
    window by window (each window's run dated at its end, the last at `now`) gives the same
    result as the scheduled runs would have. One combined result is returned.
    """
    ordered = sorted(articles, key=lambda a: (a.published, a.article_id))
    state = {t.trend_id: t for t in open_trends}
    changed: dict[str, TrendState] = {}
    new_members: dict[str, list[TrendMember]] = {}
    assignments: dict[str, str] = {}
    closed: list[str] = []
    removed: dict[str, list[TrendMember]] = {}
    position = 0
    while True:
        if position < len(ordered):
            first = ordered[position].published
            window_end = min(_EPOCH + step * ((first - _EPOCH) // step + 1), now)
            end = position
            while end < len(ordered) and (ordered[end].published < window_end or window_end == now):
                end += 1
        else:
            window_end, end = now, position  # the last run, at `now`, closes what went quiet
        result = cluster_articles(list(state.values()), ordered[position:end], frequencies,
                                  now=window_end, config=config, embeddings=embeddings)
        frequencies = result.frequencies
        assignments.update(result.assignments)
        closed.extend(result.closed)
        for trend_id, members in result.new_members.items():
            new_members.setdefault(trend_id, []).extend(members)
        for trend_id, members in result.removed_members.items():
            # A member that left a trend: not written there if it joined in an earlier window of
            # this call, else deleted from it.
            left = {m.article_id for m in members}
            earlier = new_members.get(trend_id, [])
            new_members[trend_id] = [m for m in earlier if m.article_id not in left]
            joined_now = {m.article_id for m in earlier} & left
            removed.setdefault(trend_id, []).extend(m for m in members if m.article_id not in joined_now)
        for trend in result.changed:
            changed[trend.trend_id] = trend
            if trend.is_open:
                state[trend.trend_id] = trend
            else:
                state.pop(trend.trend_id, None)
        position = end
        if window_end >= now:
            break
    return ClusterRunResult(changed=list(changed.values()), new_members=new_members,
                            assignments=assignments, closed=closed, frequencies=frequencies,
                            removed_members={tid: ms for tid, ms in removed.items() if ms})


__all__ = [
    "SCHEDULE_STEP",
    "ClusterConfig",
    "ClusterRunResult",
    "DocumentFrequencies",
    "cluster_articles",
    "cluster_in_windows",
    "trend_id_for",
]
