//! The top-k index of post search (Tantivy): derived from the database, one per server
//! instance, kept up to date from the `search_changes` log (see the rules in `search/mod.rs`).
//!
//! One document per live post (not hidden, not deleted, thread not deleted): its id and
//! community (indexed numbers), its thread title (opening post only) and its body (text,
//! with positions for the words that are phrases, such as `it's`). Nothing is stored: the
//! page's bodies and names are read from the database, which stays the truth.

use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
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
    DocId, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Score, Searcher,
    TantivyDocument, Term,
};

use crate::blocking::Limited;
use crate::db::{Db, DbConn};
use crate::error::ApiError;
use crate::search::changes::{self, Change};
use crate::search::lazy_dir::LazyDir;
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

/// What the index holds of the change log.
#[derive(Debug, Clone, Default)]
struct Progress {
    /// Every change numbered up to this one is in the index.
    watermark: i64,
    /// Changes above the watermark already applied (there is a hole below them).
    applied: BTreeSet<i64>,
    /// Holes above the watermark, since when they are known.
    gaps: BTreeMap<i64, Instant>,
}

impl Progress {
    fn holds(&self, seq: i64) -> bool {
        seq <= self.watermark || self.applied.contains(&seq)
    }
}

/// What a search saw of the change log when it started: the changes it must find applied
/// before it ranks ([`SearchIndex::seen`], then [`SearchIndex::catch_up`]).
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The changes after the watermark that were not applied yet.
    seqs: Vec<i64>,
    /// More changes followed them (a backlog): only a round started after the read covers
    /// them all.
    more: bool,
    /// The rounds started when the read ended.
    ticket: u64,
}

impl Seen {
    /// Whether the index held everything the search saw: no wait.
    pub fn is_fresh(&self) -> bool {
        self.seqs.is_empty() && !self.more
    }
}

/// The log's rows read by a round, with the current state of their posts.
struct Batch {
    changes: Vec<Change>,
    /// The posts of the changes not applied yet (sorted, distinct).
    ids: Vec<i64>,
    posts: Vec<IndexedPost>,
}

/// One server instance's search index.
pub struct SearchIndex {
    dir: PathBuf,
    directory: LazyDir,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    /// Published after each commit (and reload of the reader): what searches rank on.
    progress: Mutex<Progress>,
    /// The watermark, readable without the lock.
    watermark: AtomicI64,
    /// The watermark of the last commit, and of the last one known on disk.
    committed: AtomicI64,
    durable: AtomicI64,
    /// Held by the one round applying changes (or rebuilding).
    round: Arc<tokio::sync::Mutex<()>>,
    /// Rounds started, and the newest finished.
    rounds_started: AtomicU64,
    rounds_done: AtomicU64,
    /// This process's name in `search_instances`.
    instance: String,
    /// Whether the instance has reported its position once.
    registered: AtomicBool,
    /// Removed when dropped (an index for tests and tools).
    temporary: bool,
    /// The post-id column of each segment of the searcher last used: opening it costs an
    /// allocation and a parse of its header, at every search otherwise.
    post_ids: Mutex<HashMap<SegmentId, Column<u64>>>,
    /// One ranking at a time per CPU ([`SearchIndex::rank`]).
    rankers: Limited,
}

impl Drop for SearchIndex {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else if let Err(e) = self.directory.sync() {
            tracing::warn!(error = %e, "search index: the last writes could not be synced");
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

/// The columns of an indexed post, over `posts p JOIN threads t`.
const POST_COLUMNS: &str = "p.id AS id, p.community_id AS community_id, \
     CASE WHEN p.is_first THEN t.title ELSE '' END AS title, p.body AS body, \
     (p.hidden_at IS NULL AND p.deleted_at IS NULL AND t.deleted_at IS NULL) AS live";

fn internal(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(anyhow::anyhow!("search index: {err}"))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads the changes after `after` and the current state of their posts, except those of
/// changes in `known` (applied already).
fn read_batch(conn: &mut DbConn, after: i64, known: &BTreeSet<i64>) -> QueryResult<Batch> {
    let changes = changes::after(conn, after, CHANGES_BATCH)?;
    let mut ids: Vec<i64> = changes
        .iter()
        .filter(|c| !known.contains(&c.seq))
        .map(|c| c.post_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut posts = Vec::new();
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        posts.extend(
            diesel::sql_query(format!(
                "SELECT {POST_COLUMNS} FROM posts p JOIN threads t ON t.id = p.thread_id \
                 WHERE p.id IN ({})",
                list.join(", ")
            ))
            .load::<IndexedPost>(conn)?,
        );
    }
    Ok(Batch {
        changes,
        ids,
        posts,
    })
}

impl SearchIndex {
    /// Opens the index in `dir`, or builds it from the database when it is missing, was
    /// made by another version of the schema, cannot be read, is damaged (after writes that
    /// may not have reached the disk), or the log no longer holds the changes after it.
    /// Registers the instance in `search_instances` first, so that no prune from then on
    /// removes what it still needs.
    pub fn open(dir: &Path, conn: &mut DbConn) -> anyhow::Result<Self> {
        match Self::open_existing(dir) {
            Ok(Some(index)) => {
                let position = index.durable.load(AtomicOrdering::Acquire);
                changes::report(conn, &index.instance, position, crate::db::now())?;
                index.registered.store(true, AtomicOrdering::Release);
                if index.matches_log(conn)? {
                    tracing::info!(
                        search.dir = %dir.display(),
                        search.watermark = position,
                        "search index opened"
                    );
                    return Ok(index);
                }
                tracing::warn!(search.dir = %dir.display(),
                    "search index from another database or too far behind: rebuilt");
                changes::forget(conn, &index.instance)?;
                drop(index);
                Self::create(dir, conn)
            }
            Ok(None) => Self::create(dir, conn),
            Err(err) => {
                tracing::warn!(search.dir = %dir.display(), error = %format!("{err:#}"),
                    "search index unreadable or damaged: rebuilt from the database");
                Self::create(dir, conn)
            }
        }
    }

    /// Builds the index in `dir` from the database, whatever was there before, and
    /// registers the instance.
    pub fn create(dir: &Path, conn: &mut DbConn) -> anyhow::Result<Self> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| {
                anyhow::anyhow!("cannot remove the search index {}: {e}", dir.display())
            })?;
        }
        crate::db::create_private_dir(dir)?;
        let (schema, fields) = schema();
        let directory = LazyDir::open(dir)?;
        let index = Index::create(directory.clone(), schema, IndexSettings::default())?;
        let this = Self::with_index(dir, directory, index, fields, 0)?;
        // Registered at the log's end before the posts are read: a prune meanwhile keeps
        // every change the rebuild may miss.
        let (_, high) = changes::bounds(conn)?;
        changes::report(conn, &this.instance, high, crate::db::now())?;
        this.registered.store(true, AtomicOrdering::Release);
        let count = this.rebuild(conn).map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(search.dir = %dir.display(), search.posts = count, "search index built");
        Ok(this)
    }

    /// Whether the change log still holds every change after the index's watermark: not
    /// when the log's first row is past it (rows were pruned) or its last one is below it
    /// (another database, or one restored from a backup).
    fn matches_log(&self, conn: &mut DbConn) -> QueryResult<bool> {
        let (low, high) = changes::bounds(conn)?;
        let watermark = self.watermark.load(AtomicOrdering::Acquire);
        Ok(watermark <= high && (low <= watermark + 1 || low == 0))
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
        let directory = LazyDir::open(&dir)?;
        let index = Index::create(directory.clone(), schema, IndexSettings::default())?;
        let mut index = Self::with_index(&dir, directory, index, fields, 0)?;
        index.temporary = true;
        Ok(index)
    }

    fn open_existing(dir: &Path) -> anyhow::Result<Option<Self>> {
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let (schema, fields) = schema();
        let unsynced = LazyDir::was_left_unsynced(dir);
        let directory = LazyDir::open(dir)?;
        let index = Index::open(directory.clone())?;
        if index.schema() != schema {
            anyhow::bail!("the index was made with another schema");
        }
        if unsynced {
            // The last run may have lost writes at a power cut: every file of the last
            // commit must be whole (a missing one fails when the reader opens below).
            let damaged = index.validate_checksum()?;
            anyhow::ensure!(
                damaged.is_empty(),
                "files damaged after an unclean stop: {damaged:?}"
            );
        }
        let meta = index.load_metas()?;
        let Some(watermark) = meta.payload.as_deref().and_then(|p| p.parse::<i64>().ok()) else {
            anyhow::bail!("the index does not say which changes it holds");
        };
        let this = Self::with_index(dir, directory, index, fields, watermark)?;
        if unsynced {
            this.directory.sync()?;
        }
        Ok(Some(this))
    }

    fn with_index(
        dir: &Path,
        directory: LazyDir,
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
            directory,
            fields,
            reader,
            writer: Mutex::new(writer),
            progress: Mutex::new(Progress {
                watermark,
                ..Progress::default()
            }),
            watermark: AtomicI64::new(watermark),
            committed: AtomicI64::new(watermark),
            durable: AtomicI64::new(watermark),
            round: Arc::new(tokio::sync::Mutex::new(())),
            rounds_started: AtomicU64::new(0),
            rounds_done: AtomicU64::new(0),
            instance: uuid::Uuid::new_v4().simple().to_string(),
            registered: AtomicBool::new(false),
            temporary: false,
            post_ids: Mutex::new(HashMap::new()),
            rankers: Limited::per_cpu(),
        })
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This process's name in `search_instances`.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The last change applied to the index (every change numbered up to it is in).
    pub fn watermark(&self) -> i64 {
        self.watermark.load(AtomicOrdering::Acquire)
    }

    /// The last change applied to the index as it is on disk.
    pub fn durable_watermark(&self) -> i64 {
        self.durable.load(AtomicOrdering::Acquire)
    }

    /// Empties the index and adds every live post of the database; the change log is taken
    /// as applied up to its last row before the posts are read (changes written meanwhile
    /// are applied again by the next search, which is harmless). Returns the posts indexed.
    /// Not while a round runs ([`SearchIndex::rebuild_now`] waits for it); synced at the end.
    pub fn rebuild(&self, conn: &mut DbConn) -> Result<u64, ApiError> {
        let (_, watermark) = changes::bounds(conn)?;
        let mut count = 0_u64;
        {
            let writer = lock(&self.writer);
            writer.delete_all_documents().map_err(internal)?;
            let mut after = 0_i64;
            loop {
                let batch: Vec<IndexedPost> = diesel::sql_query(format!(
                    "SELECT {POST_COLUMNS} FROM posts p JOIN threads t ON t.id = p.thread_id \
                     WHERE p.id > {after} ORDER BY p.id LIMIT {REBUILD_BATCH}"
                ))
                .load(conn)?;
                let Some(last) = batch.last() else { break };
                after = last.id;
                for post in batch.iter().filter(|p| p.live) {
                    writer.add_document(self.document(post)).map_err(internal)?;
                    count += 1;
                }
            }
        }
        self.commit(Progress {
            watermark,
            ..Progress::default()
        })?;
        self.checkpoint().map_err(internal)?;
        Ok(count)
    }

    /// [`SearchIndex::rebuild`] for a running instance: after the round under way, with a
    /// connection held for the whole rebuild (rare: an instance forgotten while it ran).
    pub async fn rebuild_now(self: &Arc<Self>, db: &Db) -> Result<u64, ApiError> {
        let _turn = self.round.clone().lock_owned().await;
        let this = Arc::clone(self);
        db.read(move |conn| this.rebuild(conn)).await
    }

    fn document(&self, post: &IndexedPost) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.fields.post_id, post.id.cast_unsigned());
        doc.add_u64(self.fields.community_id, post.community_id.cast_unsigned());
        doc.add_text(self.fields.title, &post.title);
        doc.add_text(self.fields.body, &post.body);
        doc
    }

    /// Commits what the writer holds with `progress`'s watermark as the commit's payload (so
    /// that an index reopened after a lost commit applies its changes again), makes it
    /// visible to searches, then publishes `progress`. Not synced: see [`LazyDir`].
    fn commit(&self, progress: Progress) -> Result<(), ApiError> {
        {
            let mut writer = lock(&self.writer);
            let mut prepared = writer.prepare_commit().map_err(internal)?;
            prepared.set_payload(&progress.watermark.to_string());
            prepared.commit().map_err(internal)?;
        }
        self.reader.reload().map_err(internal)?;
        self.committed
            .store(progress.watermark, AtomicOrdering::Release);
        self.publish(progress);
        Ok(())
    }

    fn publish(&self, progress: Progress) {
        let watermark = progress.watermark;
        *lock(&self.progress) = progress;
        self.watermark.store(watermark, AtomicOrdering::Release);
    }

    /// Puts the index's writes on disk; from then on its position (the watermark of the
    /// last commit before) is durable and may be reported for pruning.
    pub fn checkpoint(&self) -> std::io::Result<()> {
        let committed = self.committed.load(AtomicOrdering::Acquire);
        self.directory.sync()?;
        self.durable.store(committed, AtomicOrdering::Release);
        Ok(())
    }

    /// What a search sees of the change log as it starts (one indexed read, nothing more
    /// when nothing is new): the changes after the watermark not applied yet.
    pub fn seen(&self, conn: &mut DbConn) -> QueryResult<Seen> {
        let changes = changes::after(conn, self.watermark(), CHANGES_BATCH)?;
        let ticket = self.rounds_started.load(AtomicOrdering::SeqCst);
        let more = changes.len() >= usize::try_from(CHANGES_BATCH).unwrap_or(usize::MAX);
        let progress = lock(&self.progress);
        Ok(Seen {
            seqs: changes
                .iter()
                .map(|c| c.seq)
                .filter(|s| !progress.holds(*s))
                .collect(),
            more,
            ticket,
        })
    }

    /// Whether the index answers for everything `seen` holds: a round that started after
    /// the read finished, or every change seen is applied.
    fn covers(&self, seen: &Seen) -> bool {
        if seen.is_fresh() || self.rounds_done.load(AtomicOrdering::SeqCst) > seen.ticket {
            return true;
        }
        if seen.more {
            return false;
        }
        let progress = lock(&self.progress);
        seen.seqs.iter().all(|s| progress.holds(*s))
    }

    /// Returns once every change in `seen` is in the index the searches read. When some are
    /// not, one round at a time applies the log (reads it and its posts in a short database
    /// read, then applies and commits on the blocking pool, holding no connection);
    /// searches that wait for a round re-check when it ends, and only run another when the
    /// one that ended did not cover what they saw.
    pub async fn catch_up(self: &Arc<Self>, db: &Db, seen: &Seen) -> Result<(), ApiError> {
        if self.covers(seen) {
            return Ok(());
        }
        let turn = self.round.clone().lock_owned().await;
        if self.covers(seen) {
            return Ok(());
        }
        let (this, db) = (Arc::clone(self), db.clone());
        // The round runs to its end even when the request that started it goes away: the
        // next round must not start beside it.
        tokio::spawn(async move {
            let _turn = turn;
            this.round(&db).await
        })
        .await
        .map_err(internal)?
    }

    /// Applies every change in the log after the watermark (a backlog batch by batch), then
    /// commits once.
    async fn round(self: Arc<Self>, db: &Db) -> Result<(), ApiError> {
        let number = self.rounds_started.fetch_add(1, AtomicOrdering::SeqCst) + 1;
        let now = Instant::now();
        let mut progress = lock(&self.progress).clone();
        let mut after = progress.watermark;
        let mut dirty = false;
        loop {
            let known = progress.applied.clone();
            let batch = db
                .read(move |conn| Ok(read_batch(conn, after, &known)?))
                .await?;
            let last = batch.changes.last().map(|c| c.seq);
            let full = batch.changes.len() >= usize::try_from(CHANGES_BATCH).unwrap_or(usize::MAX);
            let this = Arc::clone(&self);
            let (absorbed, changed) = web::block(move || {
                let changed = this.absorb(&mut progress, &batch, now)?;
                Ok::<_, ApiError>((progress, changed))
            })
            .await
            .map_err(internal)??;
            progress = absorbed;
            dirty |= changed;
            match last {
                Some(last) if full => after = last,
                _ => break,
            }
        }
        let this = Arc::clone(&self);
        web::block(move || {
            if dirty {
                this.commit(progress)
            } else {
                // Nothing to commit; the holes seen are remembered.
                this.publish(progress);
                Ok(())
            }
        })
        .await
        .map_err(internal)??;
        self.rounds_done.fetch_max(number, AtomicOrdering::SeqCst);
        Ok(())
    }

    /// Puts `batch` into the writer (not committed), and advances `progress` over what is
    /// applied and over holes waited for long enough. Whether anything changed.
    fn absorb(
        &self,
        progress: &mut Progress,
        batch: &Batch,
        now: Instant,
    ) -> Result<bool, ApiError> {
        let mut dirty = !batch.ids.is_empty();
        if dirty {
            let writer = lock(&self.writer);
            for id in &batch.ids {
                writer.delete_term(Term::from_field_u64(
                    self.fields.post_id,
                    id.cast_unsigned(),
                ));
            }
            for post in batch.posts.iter().filter(|p| p.live) {
                writer.add_document(self.document(post)).map_err(internal)?;
            }
        }
        let top = batch.changes.last().map_or(progress.watermark, |c| c.seq);
        let present: BTreeSet<i64> = batch.changes.iter().map(|c| c.seq).collect();
        let mut next = progress.watermark + 1;
        while next <= top {
            if present.contains(&next) {
                progress.applied.insert(next);
                progress.gaps.remove(&next);
            } else if !progress.applied.contains(&next) {
                progress.gaps.entry(next).or_insert(now);
            }
            next += 1;
        }
        loop {
            let next = progress.watermark + 1;
            if progress.applied.remove(&next) {
                progress.watermark = next;
            } else if progress
                .gaps
                .get(&next)
                .is_some_and(|since| now.duration_since(*since) >= GAP_WAIT)
            {
                progress.gaps.remove(&next);
                progress.watermark = next;
                dirty = true;
            } else {
                break;
            }
        }
        Ok(dirty)
    }

    /// Reports the instance's durable position in `search_instances` and prunes the log
    /// below every live instance's position (`search::changes`). An instance that finds its
    /// row gone was silent too long: its index is rebuilt when the log no longer holds the
    /// changes after it. Returns the changes pruned.
    pub async fn report_and_prune(self: &Arc<Self>, db: &Db) -> Result<usize, ApiError> {
        let (instance, position) = (self.instance.clone(), self.durable_watermark());
        let known = db
            .write(move |conn| {
                Ok(changes::report(
                    conn,
                    &instance,
                    position,
                    crate::db::now(),
                )?)
            })
            .await?;
        if !known && self.registered.swap(true, AtomicOrdering::AcqRel) {
            let this = Arc::clone(self);
            if !db.read(move |conn| Ok(this.matches_log(conn)?)).await? {
                tracing::warn!(search.instance = %self.instance,
                    "search index forgotten while silent and behind the log: rebuilt");
                self.rebuild_now(db).await?;
            }
        }
        let mut pruned = 0;
        loop {
            let n = db
                .write(|conn| {
                    Ok(changes::prune(
                        conn,
                        crate::db::now(),
                        changes::PRUNE_BATCH,
                    )?)
                })
                .await?;
            pruned += n;
            if i64::try_from(n).unwrap_or(i64::MAX) < changes::PRUNE_BATCH {
                break;
            }
        }
        Ok(pruned)
    }

    /// [`SearchIndex::best_matches`] on the blocking pool, at most one per CPU at once: a
    /// ranking is CPU work with a working set that grows with the matches, and 64 of them
    /// sharing one core each finish late while all their working sets are held (at scale
    /// 100,000: 35–50 MiB more resident memory and 11–13 % fewer searches a second than
    /// with the others waiting for a permit; bench/README.md).
    pub async fn rank(
        self: &Arc<Self>,
        words: Arc<Vec<String>>,
        community: Option<CommunityId>,
        after: (f64, i64),
        k: usize,
    ) -> Result<Vec<(i64, f64)>, ApiError> {
        let this = Arc::clone(self);
        self.rankers
            .run(move || {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                this.best_matches(&words, community, after, k)
            })
            .await?
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
        // A one-word query's title and body queries, for its title tier.
        let mut one_word: Option<(Box<dyn Query>, Box<dyn Query>)> = None;
        for (i, word) in words.iter().enumerate() {
            let prefix = i == last;
            let title = self.word_query(&searcher, self.fields.title, word, prefix)?;
            let body = self.word_query(&searcher, self.fields.body, word, prefix)?;
            if words.len() == 1 {
                one_word = Some((title.box_clone(), body.box_clone()));
            }
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
        let ids = self.post_id_columns(&searcher)?;
        let mut found = Vec::new();
        if after.0 >= TITLE_BOOST {
            // Title matches: few (opening posts only), ranked on title and body. One word:
            // its title postings lead and the body's are sought by skip list (the same
            // scores as the general form, whose intersection with a union of title and
            // body advanced through every body posting of a common word).
            let query = match one_word.take() {
                Some((title, body)) => BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(BoostQuery::new(title, TITLE_WEIGHT)) as Box<dyn Query>,
                    ),
                    (Occur::Should, body),
                ]),
                None => {
                    all.push((
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(Box::new(title_any.clone()), 0.0)),
                    ));
                    BooleanQuery::new(all)
                }
            };
            let tier = Tier {
                query: &query,
                within: in_community.as_deref(),
                except: None,
                offset: TITLE_BOOST,
                prune: false,
            };
            found = tier.collect(&searcher, &ids, after, k)?;
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
            found.extend(tier.collect(&searcher, &ids, after, k - found.len())?);
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

    /// The post-id column of each of `searcher`'s segments, in its order. They are kept
    /// between searches (opening one allocates and parses its header), those of the
    /// current segments only.
    fn post_id_columns(&self, searcher: &Searcher) -> Result<Vec<Column<u64>>, ApiError> {
        let mut kept = self.post_ids.lock().unwrap_or_else(PoisonError::into_inner);
        let segments = searcher.segment_readers();
        let columns = segments
            .iter()
            .map(|reader| {
                if let Some(column) = kept.get(&reader.segment_id()) {
                    return Ok(column.clone());
                }
                let column = reader.fast_fields().u64("post_id").map_err(internal)?;
                kept.insert(reader.segment_id(), column.clone());
                Ok(column)
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        if kept.len() > segments.len() {
            kept.retain(|id, _| segments.iter().any(|r| r.segment_id() == *id));
        }
        Ok(columns)
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
        ids: &[Column<u64>],
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
        for (reader, ids) in searcher.segment_readers().iter().zip(ids) {
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
