//! The top-k index of post search (Tantivy): derived from the database, one per server
//! instance, kept up to date from the `search_changes` log (see the rules in `search/mod.rs`).
//!
//! One document per live post (not hidden, not deleted, thread not deleted): its id and
//! community (indexed numbers), its thread title (opening post only) and its body (text,
//! with positions for the words that are phrases, such as `it's`). Nothing is stored: the
//! page's bodies and names are read from the database, which stays the truth.

use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering as AtomicOrdering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use tantivy::columnar::Column;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, InvertedIndexRangeQuery, Occur,
    PhrasePrefixQuery, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher, TantivyDocument, Term,
};

use crate::db::DbConn;
use crate::error::ApiError;
use crate::types::CommunityId;

/// Added to the rank of posts whose thread title matches, so that they come first.
pub const TITLE_BOOST: f64 = 1_000_000.0;
/// The thread title weighs this much more than the body in the relevance (as bm25's
/// column weights did in the database's full-text search).
const TITLE_WEIGHT: Score = 10.0;
/// The indexing memory of the writer: a modest heap (Tantivy's smallest is 15 MB); the
/// index itself lives on disk, memory-mapped.
const WRITER_HEAP_BYTES: usize = 20_000_000;
/// The change log is read this many rows at a time.
const CHANGES_BATCH: i64 = 5_000;
/// Posts read at a time by a rebuild.
const REBUILD_BATCH: i64 = 2_000;
/// How long a hole in the change log's numbers is waited for: on PostgreSQL a number is
/// taken when the row is written, and a transaction may commit after a later one. A hole
/// still open after this long is a transaction that rolled back.
const GAP_WAIT: Duration = Duration::from_secs(60);
/// Words the last (prefix) word of a query is expanded to, each ranked by bm25; beyond
/// this many, the other words that start with it still match but add nothing to the rank.
const MAX_PREFIX_TERMS: usize = 64;
/// The name of the analyser registered with the index.
const ANALYZER: &str = "bayanihan";

/// The words of a text as the index sees them: split at every character that is not a
/// letter or digit, lower-cased, accents folded (`é` is `e`), words over 64 bytes dropped.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The tokens of `text`, with their byte ranges.
pub fn tokens(text: &str) -> Vec<(String, usize, usize)> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

#[derive(Clone, Copy)]
struct Fields {
    post_id: Field,
    community_id: Field,
    title: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        post_id: builder.add_u64_field("post_id", INDEXED | FAST),
        community_id: builder.add_u64_field("community_id", INDEXED),
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text),
    };
    (builder.build(), fields)
}

/// What the writer knows of the change log.
struct SyncState {
    writer: IndexWriter<TantivyDocument>,
    /// Every change numbered up to this one is in the index.
    watermark: i64,
    /// Changes above the watermark already applied (there is a hole below them).
    applied: BTreeSet<i64>,
    /// Holes above the watermark, since when they are known.
    gaps: BTreeMap<i64, Instant>,
}

/// One server instance's search index.
pub struct SearchIndex {
    dir: PathBuf,
    fields: Fields,
    reader: IndexReader,
    state: Mutex<SyncState>,
    /// The watermark, readable without the lock: a search with nothing new after it
    /// neither waits nor writes.
    watermark: AtomicI64,
    /// The newest change applied: while a hole stays open below it, searches that find
    /// nothing newer do not queue on the writer.
    newest: AtomicI64,
    /// Removed when dropped (an index for tests and tools).
    temporary: bool,
}

impl Drop for SearchIndex {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A post as the index holds it.
#[derive(QueryableByName)]
struct IndexedPost {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    community_id: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Bool)]
    live: bool,
}

#[derive(QueryableByName)]
struct Change {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = BigInt)]
    post_id: i64,
}

#[derive(QueryableByName)]
struct MaxSeq {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// The columns of an indexed post, over `posts p JOIN threads t`.
const POST_COLUMNS: &str = "p.id AS id, p.community_id AS community_id, \
     CASE WHEN p.is_first THEN t.title ELSE '' END AS title, p.body AS body, \
     (p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.deleted_at IS NULL) AS live";

fn internal(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("search index: {err}"))
}

fn max_seq(conn: &mut DbConn) -> QueryResult<i64> {
    Ok(
        diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS seq FROM search_changes")
            .get_result::<MaxSeq>(conn)?
            .seq,
    )
}

impl SearchIndex {
    /// Opens the index in `dir`, or builds it from the database when it is missing, was
    /// made by another version of the schema, or cannot be read.
    pub fn open(dir: &Path, conn: &mut DbConn) -> anyhow::Result<Self> {
        match Self::open_existing(dir) {
            Ok(Some(index)) if !index.matches_log(conn)? => {
                tracing::warn!(search.dir = %dir.display(),
                    "search index from another database or too far behind: rebuilt");
                drop(index);
                Self::create(dir, conn)
            }
            Ok(Some(index)) => {
                tracing::info!(
                    search.dir = %dir.display(),
                    search.watermark = index.watermark.load(AtomicOrdering::Relaxed),
                    "search index opened"
                );
                Ok(index)
            }
            Ok(None) => Self::create(dir, conn),
            Err(err) => {
                tracing::warn!(search.dir = %dir.display(), error = %format!("{err:#}"),
                    "search index unreadable: rebuilt from the database");
                Self::create(dir, conn)
            }
        }
    }

    /// Builds the index in `dir` from the database, whatever was there before.
    pub fn create(dir: &Path, conn: &mut DbConn) -> anyhow::Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| {
                anyhow::anyhow!("cannot remove the search index {}: {e}", dir.display())
            })?;
        }
        crate::db::create_private_dir(dir)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        let this = Self::with_index(dir, index, fields, 0)?;
        let count = this.rebuild(conn).map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(search.dir = %dir.display(), search.posts = count, "search index built");
        Ok(this)
    }

    /// Whether the change log still holds every change after the index's watermark: not
    /// when the log's first row is past it (rows were pruned) or its last one is below it
    /// (another database, or one restored from a backup).
    fn matches_log(&self, conn: &mut DbConn) -> QueryResult<bool> {
        #[derive(QueryableByName)]
        struct Bounds {
            #[diesel(sql_type = BigInt)]
            low: i64,
            #[diesel(sql_type = BigInt)]
            high: i64,
        }
        let bounds: Bounds = diesel::sql_query(
            "SELECT COALESCE(MIN(seq), 0) AS low, COALESCE(MAX(seq), 0) AS high \
             FROM search_changes",
        )
        .get_result(conn)?;
        let watermark = self.watermark.load(AtomicOrdering::Acquire);
        Ok(watermark <= bounds.high && (bounds.low <= watermark + 1 || bounds.low == 0))
    }

    /// An empty index in a new temporary folder, removed when dropped (tests and tools):
    /// its first search applies the whole change log. It does not touch the database, which
    /// may not be migrated yet.
    pub fn temporary() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "bayanihan-search-{}",
            uuid::Uuid::new_v4().simple()
        ));
        crate::db::create_private_dir(&dir)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(&dir, schema)?;
        let mut index = Self::with_index(&dir, index, fields, 0)?;
        index.temporary = true;
        Ok(index)
    }

    fn open_existing(dir: &Path) -> anyhow::Result<Option<Self>> {
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let (schema, fields) = schema();
        let index = Index::open(MmapDirectory::open(dir)?)?;
        if index.schema() != schema {
            anyhow::bail!("the index was made with another schema");
        }
        let meta = index.load_metas()?;
        let Some(watermark) = meta.payload.as_deref().and_then(|p| p.parse::<i64>().ok()) else {
            anyhow::bail!("the index does not say which changes it holds");
        };
        Ok(Some(Self::with_index(dir, index, fields, watermark)?))
    }

    fn with_index(
        dir: &Path,
        index: Index,
        fields: Fields,
        watermark: i64,
    ) -> anyhow::Result<Self> {
        index.tokenizers().register(ANALYZER, analyzer());
        let writer = index
            .writer_with_options(
                IndexWriterOptions::builder()
                    .memory_budget_per_thread(WRITER_HEAP_BYTES)
                    .num_worker_threads(1)
                    .num_merge_threads(1)
                    .build(),
            )
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot write the search index {} (is another server using it? Each \
                     instance needs its own BAYANIHAN_SEARCH_DIR): {e}",
                    dir.display()
                )
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            dir: dir.to_owned(),
            fields,
            reader,
            state: Mutex::new(SyncState {
                writer,
                watermark,
                applied: BTreeSet::new(),
                gaps: BTreeMap::new(),
            }),
            watermark: AtomicI64::new(watermark),
            newest: AtomicI64::new(watermark),
            temporary: false,
        })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Empties the index and adds every live post of the database; the change log is taken
    /// as applied up to its last row before the posts are read (changes written meanwhile
    /// are applied again by the next search, which is harmless). Returns the posts indexed.
    pub fn rebuild(&self, conn: &mut DbConn) -> Result<u64, ApiError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let watermark = max_seq(conn)?;
        state.writer.delete_all_documents().map_err(internal)?;
        let mut after = 0_i64;
        let mut count = 0_u64;
        loop {
            let batch: Vec<IndexedPost> = diesel::sql_query(format!(
                "SELECT {POST_COLUMNS} FROM posts p JOIN threads t ON t.id = p.thread_id \
                 WHERE p.id > {after} ORDER BY p.id LIMIT {REBUILD_BATCH}"
            ))
            .load(conn)?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            for post in batch.iter().filter(|p| p.live) {
                state
                    .writer
                    .add_document(self.document(post))
                    .map_err(internal)?;
                count += 1;
            }
        }
        state.watermark = watermark;
        state.applied.clear();
        state.gaps.clear();
        self.commit(&mut state)?;
        Ok(count)
    }

    fn document(&self, post: &IndexedPost) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.fields.post_id, post.id.cast_unsigned());
        doc.add_u64(self.fields.community_id, post.community_id.cast_unsigned());
        doc.add_text(self.fields.title, &post.title);
        doc.add_text(self.fields.body, &post.body);
        doc
    }

    fn commit(&self, state: &mut SyncState) -> Result<(), ApiError> {
        let mut prepared = state.writer.prepare_commit().map_err(internal)?;
        prepared.set_payload(&state.watermark.to_string());
        prepared.commit().map_err(internal)?;
        self.reader.reload().map_err(internal)?;
        self.watermark
            .store(state.watermark, AtomicOrdering::Release);
        let newest = state.applied.last().copied().unwrap_or(state.watermark);
        self.newest.store(newest, AtomicOrdering::Release);
        Ok(())
    }

    /// Applies the changes logged after the watermark: one indexed read of the change log,
    /// nothing more when there is none. Concurrent searches that find changes queue on the
    /// writer, and the first one applies them for all (one commit per batch).
    pub fn catch_up(&self, conn: &mut DbConn) -> Result<(), ApiError> {
        let seen = self.watermark.load(AtomicOrdering::Acquire);
        let changes = changes_after(conn, seen)?;
        let Some(top) = changes.last().map(|c| c.seq) else {
            return Ok(());
        };
        let mut state = if top <= self.newest.load(AtomicOrdering::Acquire) {
            // Nothing new, only a hole waited for: whoever holds the writer sees to it.
            match self.state.try_lock() {
                Ok(state) => state,
                Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => return Ok(()),
            }
        } else {
            self.state.lock().unwrap_or_else(PoisonError::into_inner)
        };
        let mut changes = if state.watermark == seen {
            changes
        } else {
            changes_after(conn, state.watermark)?
        };
        // A backlog (an instance that was stopped, a bulk load) is read batch by batch and
        // committed once.
        let now = Instant::now();
        let mut dirty = false;
        loop {
            dirty |= self.absorb(&mut state, conn, &changes, now)?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            if changes.len() < usize::try_from(CHANGES_BATCH).unwrap_or(usize::MAX) {
                break;
            }
            changes = changes_after(conn, last)?;
        }
        if dirty {
            self.commit(&mut state)?;
        }
        Ok(())
    }

    /// Applies `changes` (in order) that are not applied yet, and advances the watermark
    /// over what is applied and over holes waited for long enough. Whether anything changed.
    fn absorb(
        &self,
        state: &mut SyncState,
        conn: &mut DbConn,
        changes: &[Change],
        now: Instant,
    ) -> Result<bool, ApiError> {
        let mut ids: Vec<i64> = changes
            .iter()
            .filter(|c| !state.applied.contains(&c.seq))
            .map(|c| c.post_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut dirty = !ids.is_empty();
        self.apply(state, conn, &ids)?;
        let top = changes.last().map_or(state.watermark, |c| c.seq);
        let present: BTreeSet<i64> = changes.iter().map(|c| c.seq).collect();
        let mut next = state.watermark + 1;
        while next <= top {
            if present.contains(&next) {
                state.applied.insert(next);
                state.gaps.remove(&next);
            } else if !state.applied.contains(&next) {
                state.gaps.entry(next).or_insert(now);
            }
            next += 1;
        }
        loop {
            let next = state.watermark + 1;
            if state.applied.remove(&next) {
                state.watermark = next;
            } else if state
                .gaps
                .get(&next)
                .is_some_and(|since| now.duration_since(*since) >= GAP_WAIT)
            {
                state.gaps.remove(&next);
                state.watermark = next;
                dirty = true;
            } else {
                break;
            }
        }
        Ok(dirty)
    }

    /// Puts the current state of posts `ids` into the index (a post no longer live, or
    /// gone, is only removed).
    fn apply(&self, state: &mut SyncState, conn: &mut DbConn, ids: &[i64]) -> Result<(), ApiError> {
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let posts: Vec<IndexedPost> = diesel::sql_query(format!(
                "SELECT {POST_COLUMNS} FROM posts p JOIN threads t ON t.id = p.thread_id \
                 WHERE p.id IN ({})",
                list.join(", ")
            ))
            .load(conn)?;
            for id in chunk {
                state.writer.delete_term(Term::from_field_u64(
                    self.fields.post_id,
                    id.cast_unsigned(),
                ));
            }
            for post in posts.iter().filter(|p| p.live) {
                state
                    .writer
                    .add_document(self.document(post))
                    .map_err(internal)?;
            }
        }
        Ok(())
    }

    /// The best `k` matches of `words` after `after` (rank, post id), best first: posts
    /// whose title matches a word (rank `TITLE_BOOST` + relevance), then the others (rank =
    /// relevance), then by post id. Every match is ranked; only the best `k` are kept while
    /// collecting, and the others (title not matching: nearly all) are skipped block by block
    /// once they cannot beat the `k`-th (block-max WAND).
    pub fn best_matches(
        &self,
        words: &[&str],
        community: Option<CommunityId>,
        after: (f64, i64),
        k: usize,
    ) -> Result<Vec<(i64, f64)>, ApiError> {
        let searcher = self.reader.searcher();
        let words: Vec<Vec<String>> = words
            .iter()
            .map(|w| tokens(w).into_iter().map(|t| t.0).collect::<Vec<_>>())
            .collect();
        // A word of only overlong pieces (over 64 bytes) is in no post.
        if words.is_empty() || words.iter().any(Vec::is_empty) || k == 0 {
            return Ok(Vec::new());
        }
        let last = words.len() - 1;
        let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut bodies: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut title_any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let prefix = i == last;
            let title = self.word_query(&searcher, self.fields.title, word, prefix)?;
            let body = self.word_query(&searcher, self.fields.body, word, prefix)?;
            title_any.push((Occur::Should, title.box_clone()));
            bodies.push((Occur::Must, body.box_clone()));
            let either: Vec<(Occur, Box<dyn Query>)> = vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(title, TITLE_WEIGHT)),
                ),
                (Occur::Should, body),
            ];
            all.push((Occur::Must, Box::new(BooleanQuery::new(either))));
        }
        let in_community: Option<Box<dyn Query>> = community.map(|id| {
            let term = Term::from_field_u64(self.fields.community_id, id.get().cast_unsigned());
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>
        });
        let title_any = BooleanQuery::new(title_any);
        let mut found = Vec::new();
        if after.0 >= TITLE_BOOST {
            // Title matches: few (opening posts only), ranked on title and body.
            all.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(title_any.clone()), 0.0)),
            ));
            let tier = Tier {
                query: &BooleanQuery::new(all),
                within: in_community.as_deref(),
                except: None,
                offset: TITLE_BOOST,
                prune: false,
            };
            found = tier.collect(&searcher, after, k)?;
        }
        if found.len() < k {
            // The others: no word in their title, so the title adds nothing to their rank and
            // the body alone ranks them; for one word, a union of terms that WAND prunes.
            let body_query: Box<dyn Query> = if bodies.len() == 1 {
                bodies.pop().map_or_else(unreachable_query, |(_, q)| q)
            } else {
                Box::new(BooleanQuery::new(bodies))
            };
            let tier = Tier {
                query: body_query.as_ref(),
                within: in_community.as_deref(),
                except: Some(&title_any),
                offset: 0.0,
                prune: true,
            };
            found.extend(tier.collect(&searcher, after, k - found.len())?);
        }
        Ok(found.into_iter().map(|r| (r.id, r.rank)).collect())
    }

    /// The query for one word in one field: a term, or a phrase when the word has several
    /// tokens (`it's`); the last word of the query may be the start of a word.
    fn word_query(
        &self,
        searcher: &Searcher,
        field: Field,
        tokens: &[String],
        prefix: bool,
    ) -> Result<Box<dyn Query>, ApiError> {
        let terms: Vec<Term> = tokens
            .iter()
            .map(|t| Term::from_field_text(field, t))
            .collect();
        Ok(match (terms.len(), prefix) {
            (1, false) => Box::new(TermQuery::new(
                terms[0].clone(),
                IndexRecordOption::WithFreqs,
            )),
            (_, false) => Box::new(PhraseQuery::new(terms)),
            (1, true) => self.prefix_query(searcher, field, &tokens[0])?,
            (_, true) => {
                let mut query = PhrasePrefixQuery::new(terms);
                query.set_max_expansions(1_000);
                Box::new(query)
            }
        })
    }

    /// Every word of `field` that starts with `start`: up to [`MAX_PREFIX_TERMS`] of them
    /// ranked by bm25 (the word itself first), the rest matched without adding to the rank.
    fn prefix_query(
        &self,
        searcher: &Searcher,
        field: Field,
        start: &str,
    ) -> Result<Box<dyn Query>, ApiError> {
        let upper = prefix_end(start.as_bytes());
        let mut words: BTreeSet<Vec<u8>> = BTreeSet::new();
        let mut more = false;
        'segments: for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).map_err(internal)?;
            let mut range = inverted.terms().range().ge(start.as_bytes());
            if let Some(upper) = &upper {
                range = range.lt(upper);
            }
            let mut stream = range.into_stream().map_err(internal)?;
            while let Some((key, _)) = stream.next() {
                if words.len() >= MAX_PREFIX_TERMS && !words.contains(key) {
                    more = true;
                    break 'segments;
                }
                words.insert(key.to_vec());
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
            .into_iter()
            .filter_map(|w| String::from_utf8(w).ok())
            .map(|w| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, &w),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, query)
            })
            .collect();
        if more {
            let lower = Bound::Included(Term::from_field_text(field, start));
            let upper = match upper {
                Some(u) => {
                    Bound::Excluded(Term::from_field_text(field, &String::from_utf8_lossy(&u)))
                }
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    Box::new(InvertedIndexRangeQuery::new(lower, upper)),
                    0.0,
                )),
            ));
        }
        if clauses.is_empty() {
            // Nothing starts with it: a term that matches nothing.
            return Ok(Box::new(TermQuery::new(
                Term::from_field_text(field, start),
                IndexRecordOption::WithFreqs,
            )));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

/// The smallest byte string greater than every string that starts with `start`.
fn prefix_end(start: &[u8]) -> Option<Vec<u8>> {
    let mut end = start.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn changes_after(conn: &mut DbConn, seq: i64) -> QueryResult<Vec<Change>> {
    diesel::sql_query(format!(
        "SELECT seq, post_id FROM search_changes WHERE seq > {seq} ORDER BY seq \
         LIMIT {CHANGES_BATCH}"
    ))
    .load(conn)
}

/// One ranked hit: ordered best first (higher rank, then lower post id).
#[derive(Debug, Clone, Copy)]
struct Ranked {
    rank: f64,
    id: i64,
    /// The engine's score (the rank less the tier's offset).
    score: Score,
}

impl Ranked {
    /// Whether `self` comes after the cursor `after` in the order of the answer.
    fn is_after(&self, after: (f64, i64)) -> bool {
        self.rank < after.0 || (self.rank == after.0 && self.id > after.1)
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    /// Worse is greater, so that a max-heap keeps the worst of the best on top.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .rank
            .total_cmp(&self.rank)
            .then(self.id.cmp(&other.id))
    }
}

/// A query that matches nothing (never used: a list of one has a first element).
fn unreachable_query() -> Box<dyn Query> {
    Box::new(BooleanQuery::new(Vec::new()))
}

/// One tier of the order (title matches, then the others), collected into the best `k` after
/// the cursor by (rank, post id): Tantivy's own top-k orders ties by document address, which
/// is not the post id.
struct Tier<'a> {
    query: &'a dyn Query,
    /// Only documents this matches (a community).
    within: Option<&'a dyn Query>,
    /// Not the documents this matches (the title tier, from the others).
    except: Option<&'a dyn Query>,
    /// Added to every score.
    offset: f64,
    /// Skip documents that cannot beat the `k`-th best so far (exact only without an
    /// offset: a rank is then the score itself).
    prune: bool,
}

/// Whether `docs` (advanced in order) holds `doc`.
fn holds(docs: &mut dyn tantivy::query::Scorer, doc: DocId) -> bool {
    if docs.doc() < doc {
        docs.seek(doc);
    }
    docs.doc() == doc
}

impl Tier<'_> {
    fn collect(
        &self,
        searcher: &Searcher,
        after: (f64, i64),
        k: usize,
    ) -> Result<Vec<Ranked>, ApiError> {
        let weight = self
            .query
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .map_err(internal)?;
        let filter = |q: Option<&dyn Query>| {
            q.map(|q| q.weight(EnableScoring::disabled_from_searcher(searcher)))
                .transpose()
                .map_err(internal)
        };
        let (within, except) = (filter(self.within)?, filter(self.except)?);
        let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(k + 1);
        let threshold = |heap: &BinaryHeap<Ranked>, prune: bool| match heap.peek() {
            Some(worst) if prune && heap.len() >= k => worst.score.next_down(),
            _ => Score::MIN,
        };
        for reader in searcher.segment_readers() {
            let ids: Column<u64> = reader.fast_fields().u64("post_id").map_err(internal)?;
            let alive = reader.alive_bitset();
            let mut within = within
                .as_ref()
                .map(|w| w.scorer(reader, 1.0))
                .transpose()
                .map_err(internal)?;
            let mut except = except
                .as_ref()
                .map(|w| w.scorer(reader, 1.0))
                .transpose()
                .map_err(internal)?;
            let start = threshold(&heap, self.prune);
            weight
                .for_each_pruning(start, reader, &mut |doc, score| {
                    let keep = alive.is_none_or(|a| a.is_alive(doc))
                        && within.as_deref_mut().is_none_or(|w| holds(w, doc))
                        && !except.as_deref_mut().is_some_and(|e| holds(e, doc));
                    if keep && let Some(id) = ids.first(doc) {
                        let hit = Ranked {
                            rank: self.offset + f64::from(score),
                            id: id.cast_signed(),
                            score,
                        };
                        if hit.is_after(after) {
                            if heap.len() < k {
                                heap.push(hit);
                            } else if let Some(mut worst) = heap.peek_mut()
                                && hit < *worst
                            {
                                *worst = hit;
                            }
                        }
                    }
                    threshold(&heap, self.prune)
                })
                .map_err(internal)?;
        }
        Ok(heap.into_sorted_vec())
    }
}

/// A piece of `body` around the matches of `words` (the last one may be the start of a
/// word): up to 24 words, the window with the most matches, matches between
/// `MARK_START` and `MARK_END`, `…` where the body was cut. Not escaped.
pub fn snippet(body: &str, words: &[&str], start: char, end: char) -> String {
    const WINDOW: usize = 24;
    let query: Vec<Vec<String>> = words
        .iter()
        .map(|w| tokens(w).into_iter().map(|t| t.0).collect::<Vec<_>>())
        .filter(|t: &Vec<String>| !t.is_empty())
        .collect();
    let last = query.len().saturating_sub(1);
    let matches = |token: &str| {
        query.iter().enumerate().any(|(i, word)| {
            word.iter().enumerate().any(|(j, t)| {
                if i == last && j + 1 == word.len() {
                    token.starts_with(t.as_str())
                } else {
                    token == t
                }
            })
        })
    };
    let toks = tokens(body);
    let hits: Vec<bool> = toks.iter().map(|t| matches(&t.0)).collect();
    // The window with the most matches, starting a little before its first match.
    let mut best = (0_usize, 0_usize);
    for (i, hit) in hits.iter().enumerate() {
        if !hit {
            continue;
        }
        let from = i.saturating_sub(3);
        let count = hits[from..(from + WINDOW).min(hits.len())]
            .iter()
            .filter(|h| **h)
            .count();
        if count > best.1 {
            best = (from, count);
        }
    }
    let from = if toks.len() <= WINDOW { 0 } else { best.0 };
    let to = (from + WINDOW).min(toks.len());
    let mut out = String::with_capacity(body.len().min(400) + 16);
    let text_start = if from == 0 { 0 } else { toks[from].1 };
    let text_end = if to >= toks.len() {
        body.len()
    } else {
        toks[to - 1].2
    };
    if from > 0 {
        out.push('…');
    }
    let mut at = text_start;
    for (tok, hit) in toks[from..to].iter().zip(&hits[from..to]) {
        out.push_str(&body[at..tok.1]);
        if *hit {
            out.push(start);
            out.push_str(&body[tok.1..tok.2]);
            out.push(end);
        } else {
            out.push_str(&body[tok.1..tok.2]);
        }
        at = tok.2;
    }
    out.push_str(&body[at..text_end.max(at)]);
    if to < toks.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_words_and_prefixes() {
        let s = snippet("We discussed bargaining <b> & more.", &["barg"], '[', ']');
        assert_eq!(s, "We discussed [bargaining] <b> & more.");
        let long = format!("{} needle {}", "a ".repeat(40), "b ".repeat(40));
        let s = snippet(&long, &["needle"], '[', ']');
        assert!(
            s.starts_with('…') && s.ends_with('…') && s.contains("[needle]"),
            "{s}"
        );
        assert_eq!(
            snippet("Café it's", &["cafe", "it's"], '[', ']'),
            "[Café] [it]'[s]"
        );
    }

    #[test]
    fn prefix_ends() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[0xff]), None);
    }

    #[test]
    fn ranks_order_best_first_then_by_id() {
        let mut v = [
            Ranked {
                rank: 1.0,
                id: 5,
                score: 1.0,
            },
            Ranked {
                rank: 2.0,
                id: 9,
                score: 2.0,
            },
            Ranked {
                rank: 1.0,
                id: 3,
                score: 1.0,
            },
        ];
        v.sort();
        let ids: Vec<i64> = v.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![9, 3, 5]);
        assert!(
            Ranked {
                rank: 1.0,
                id: 5,
                score: 1.0
            }
            .is_after((1.0, 3))
        );
        assert!(
            !Ranked {
                rank: 1.0,
                id: 3,
                score: 1.0
            }
            .is_after((1.0, 3))
        );
        assert!(
            Ranked {
                rank: 0.5,
                id: 1,
                score: 0.5
            }
            .is_after((1.0, 3))
        );
    }
}
