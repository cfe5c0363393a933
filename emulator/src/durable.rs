//! Durable mode (`--db-path DIR`, `Builder::db_path`): the state survives the process.
//!
//! Two kinds of file, both a magic header followed by frames (`u32` length, CRC-32 of the payload,
//! payload as JSON; serde_json's depth limit bounds decoding):
//!
//! - `checkpoint-N`: the whole state as of the start of `wal-N` (tables with their items, TTL
//!   settings, streams with their records, tags, policies), written to a temporary file, synced and
//!   renamed into place. Indexes are rebuilt from the items on load.
//! - `wal-N`: item changes after that checkpoint, one record per change in the order the store
//!   applied them (the store's [`Journal`], called on its single write path under the table's write
//!   lock). Every record carries the request's group; a group's `Commit` record ends it, and
//!   recovery applies only committed groups, so a batch or transaction is all or nothing.
//!
//! fsync policy: a request that changed items is answered only after its commit is synced (group
//! commit: one thread syncs for every request waiting). Changes outside items (CreateTable,
//! UpdateTable, TTL, tags, policies, restore, reset) write a new checkpoint before they are
//! answered, and item writes answered meanwhile wait for it ([`Wal::change_catalogue`]); so do
//! logs past [`COMPACT_BYTES`], also at start-up. A checkpoint starts the next log while no item
//! write can happen, then deletes the older files.
//!
//! Every record names its namespace (`ns`: account and region), and recovery rebuilds each
//! namespace's store; a checkpoint holds every namespace, copied at one instant.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Condvar, Mutex};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::model::{Item, TableDef};
use crate::store::{Journal, NamespaceKey, Namespaces, Policy, Snapshot, StoreSnapshot, Stream, StreamImage};

const LOG_MAGIC: &[u8; 8] = b"DDBEMUL1";
const CHECKPOINT_MAGIC: &[u8; 8] = b"DDBEMUC1";
/// A log past this size is folded into a new checkpoint, which bounds start-up replay.
pub const COMPACT_BYTES: u64 = 64 * 1024 * 1024;

/// One item change or the end of a request's group of them.
#[derive(Serialize, Deserialize)]
enum Record<'a> {
    Put {
        ns: Cow<'a, NamespaceKey>,
        table: Cow<'a, str>,
        group: u64,
        item: Cow<'a, Item>,
    },
    Delete {
        ns: Cow<'a, NamespaceKey>,
        table: Cow<'a, str>,
        group: u64,
        key: Item,
        by_ttl: bool,
    },
    Commit {
        group: u64,
    },
}

/// A checkpoint's frames: `Header`, then each table followed by its items, then streams, tags,
/// policies, each naming its namespace, and `End` (a checkpoint without it is refused).
#[derive(Serialize, Deserialize)]
enum Frame<'a> {
    Header {
        version: u32,
    },
    Table {
        ns: NamespaceKey,
        def: TableDef,
        ttl: Option<String>,
        stream: Option<String>,
    },
    Item(Cow<'a, Item>),
    Stream {
        ns: NamespaceKey,
        stream: StreamImage,
    },
    Tags {
        ns: NamespaceKey,
        arn: String,
        tags: Vec<(String, String)>,
    },
    Policy {
        ns: NamespaceKey,
        arn: String,
        document: String,
        revision: String,
    },
    End,
}

thread_local! {
    /// The group of the request this thread is running, if any, and whether it logged a change.
    static GROUP: Cell<Option<(u64, bool)>> = const { Cell::new(None) };
}

/// The open database directory: the current log and the group commit.
pub struct Wal {
    dir: PathBuf,
    pending: Mutex<Pending>,
    synced: Condvar,
    /// The open log file (none until the first checkpoint); held while writing to it and syncing it.
    file: Mutex<Option<File>>,
    /// One checkpoint at a time.
    checkpointing: Mutex<()>,
    /// Changes to more than items (and restores) begun whose checkpoint is not yet written, by
    /// ticket; `saved` is signalled as each ends. See [`Wal::change_catalogue`].
    unsaved: Mutex<Unsaved>,
    saved: Condvar,
}

#[derive(Default)]
struct Unsaved {
    last_ticket: u64,
    tickets: std::collections::BTreeSet<u64>,
}

struct Pending {
    /// Frames appended but not yet written.
    buf: Vec<u8>,
    /// Count of frames appended since the start; `durable` of them are synced.
    appended: u64,
    durable: u64,
    syncing: bool,
    generation: u64,
    next_group: u64,
    /// Bytes in the current log file, written or pending.
    log_bytes: u64,
}

/// A clear error naming the file.
fn bad(path: &Path, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", path.display()))
}

fn frame(payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// A file's frames, read one at a time through a large buffer (the whole file is never in memory).
/// A log may end in a torn frame (the process died while writing it, before it was acknowledged):
/// when `torn_tail_ok`, that tail ends the frames and [`Frames::valid_len`] stops before it.
struct Frames {
    path: PathBuf,
    reader: BufReader<File>,
    len: u64,
    /// Where the next frame starts: the end of the last good one.
    at: u64,
    torn_tail_ok: bool,
}

impl Frames {
    fn open(path: &Path, magic: &[u8; 8], torn_tail_ok: bool) -> io::Result<Frames> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut head = [0; 8];
        if read_up_to(&mut reader, &mut head)? < 8 || &head != magic {
            return Err(bad(
                path,
                "not a dynamodb-emulator database file (wrong header); is --db-path the right directory?",
            ));
        }
        Ok(Frames {
            path: path.to_path_buf(),
            reader,
            len,
            at: 8,
            torn_tail_ok,
        })
    }

    /// Reads the next frame's payload into `payload`; false at the end of the frames.
    fn next_into(&mut self, payload: &mut Vec<u8>) -> io::Result<bool> {
        if self.at == self.len {
            return Ok(false);
        }
        let mut head = [0; 8];
        let got = read_up_to(&mut self.reader, &mut head)?;
        let size = u64::from(u32::from_le_bytes([head[0], head[1], head[2], head[3]]));
        // Checked against the file's length before anything is allocated for it.
        let end = self.at + 8 + size;
        let whole = got == 8 && end <= self.len;
        if whole {
            payload.resize(size as usize, 0);
            self.reader.read_exact(payload)?;
            if crc32fast::hash(payload).to_le_bytes() == head[4..8] {
                self.at = end;
                return Ok(true);
            }
        }
        // Incomplete, or checksum-failed and last in the file: a write cut short.
        if self.torn_tail_ok && (!whole || end == self.len) {
            return Ok(false);
        }
        Err(bad(&self.path, format_args!("corrupt frame at byte {}", self.at)))
    }

    /// The length of the file up to the end of its last good frame.
    fn valid_len(&self) -> u64 {
        self.at
    }

    /// Decodes every frame and passes it through `prepare` on a second thread while `apply`
    /// consumes the results in order on this one (decoding and building the maps take about the
    /// same time); stops at the first error.
    fn decode_each<T, U>(
        mut self,
        mut prepare: impl FnMut(&Path, T) -> io::Result<U> + Send,
        mut apply: impl FnMut(&Path, U) -> io::Result<()>,
    ) -> io::Result<Frames>
    where
        T: for<'de> Deserialize<'de>,
        U: Send,
    {
        const BATCH: usize = 1024;
        let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<U>>>(4);
        let path = self.path.clone();
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut payload = Vec::new();
                loop {
                    let mut batch = Vec::with_capacity(BATCH);
                    let read = loop {
                        match self.next_into(&mut payload) {
                            Ok(true) => match decode(&self.path, &payload).and_then(|v| prepare(&self.path, v)) {
                                Ok(value) => batch.push(value),
                                Err(e) => break Err(e),
                            },
                            Ok(false) => break Ok(true),
                            Err(e) => break Err(e),
                        }
                        if batch.len() == BATCH {
                            break Ok(false);
                        }
                    };
                    let last = !matches!(read, Ok(false));
                    let sent = match read {
                        Ok(_) => tx.send(Ok(batch)),
                        Err(e) => tx.send(Err(e)),
                    };
                    if last || sent.is_err() {
                        return self;
                    }
                }
            });
            for batch in rx {
                for value in batch? {
                    apply(&path, value)?;
                }
            }
            // A panic in the reader is a bug: carried on to this thread as it is.
            Ok(reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })
    }
}

/// Fills `buf` as far as the reader goes; returns how much it filled.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn decode<'a, T: Deserialize<'a>>(path: &Path, payload: &'a [u8]) -> io::Result<T> {
    serde_json::from_slice(payload).map_err(|e| bad(path, format_args!("undecodable record: {e}")))
}

/// The generations of `checkpoint-N` and `wal-N` files in `dir`; leftover temporary files go.
fn generations(dir: &Path) -> io::Result<(Vec<u64>, Vec<u64>)> {
    let (mut checkpoints, mut logs) = (Vec::new(), Vec::new());
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.ends_with(".tmp") {
            fs::remove_file(entry.path())?;
        } else if let Some(n) = name.strip_prefix("checkpoint-").and_then(|n| n.parse().ok()) {
            checkpoints.push(n);
        } else if let Some(n) = name.strip_prefix("wal-").and_then(|n| n.parse().ok()) {
            logs.push(n);
        }
    }
    checkpoints.sort_unstable();
    logs.sort_unstable();
    Ok((checkpoints, logs))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn open_log(dir: &Path, generation: u64) -> io::Result<File> {
    let path = dir.join(format!("wal-{generation}"));
    let mut file = fs::OpenOptions::new().create_new(true).append(true).open(&path)?;
    file.write_all(LOG_MAGIC)?;
    file.sync_all()?;
    sync_dir(dir)?;
    Ok(file)
}

impl Wal {
    /// Recovers the state of `namespaces` (streams stamped by `clock`) from `dir` (created if missing), then attaches the log to its
    /// store and writes a fresh checkpoint. Fails with the file at fault on a foreign or corrupt file.
    pub fn open(dir: &Path, namespaces: &Namespaces, clock: &Arc<Clock>) -> io::Result<Arc<Wal>> {
        fs::create_dir_all(dir)?;
        let (checkpoints, logs) = generations(dir)?;
        let base = checkpoints.last().copied().unwrap_or(0);
        if let Some(&n) = checkpoints.last() {
            namespaces.restore(&load_checkpoint(&dir.join(format!("checkpoint-{n}")), clock)?);
        }
        let mut logs: Vec<u64> = logs.into_iter().filter(|&n| n >= base).collect();
        if let Some(&n) = logs.last() {
            // The process died creating the newest log, before its header was whole: it held
            // nothing (its checkpoint is written only after it), so it goes, like a `.tmp` file.
            let path = dir.join(format!("wal-{n}"));
            let bytes = fs::metadata(&path)?.len();
            if bytes < LOG_MAGIC.len() as u64 && LOG_MAGIC.starts_with(&fs::read(&path)?) {
                fs::remove_file(&path)?;
                logs.pop();
            }
        }
        let Replayed { last_group, lengths } = replay(dir, &logs, namespaces)?;
        let generation = logs.last().copied().unwrap_or(base);
        let wal = Arc::new(Wal {
            dir: dir.to_path_buf(),
            pending: Mutex::new(Pending {
                buf: Vec::new(),
                appended: 0,
                durable: 0,
                syncing: false,
                generation,
                next_group: last_group + 1,
                log_bytes: lengths.iter().sum(),
            }),
            synced: Condvar::new(),
            file: Mutex::new(None),
            checkpointing: Mutex::new(()),
            unsaved: Mutex::default(),
            saved: Condvar::new(),
        });
        let log = wal.clone();
        namespaces.attach(Box::new(move |ns| {
            Arc::new(NamespaceLog {
                wal: log.clone(),
                ns: (ns.account.clone(), ns.region.clone()),
            })
        }));
        match (logs.last(), lengths.last()) {
            // Appends go on after the newest log's last good frame (a torn tail is cut off); a
            // checkpoint is written only when the logs have grown long.
            (Some(n), Some(&len)) => {
                let file = fs::OpenOptions::new().append(true).open(dir.join(format!("wal-{n}")))?;
                file.set_len(len)?;
                file.sync_all()?;
                *wal.file.lock() = Some(file);
                wal.checkpoint(namespaces, false)?;
            }
            _ => wal.checkpoint(namespaces, true)?,
        }
        Ok(wal)
    }

    /// Runs one request's work as a group and, when it changed items, commits the group: its
    /// `Commit` record is synced, and every change to more than items begun before it is in a
    /// checkpoint, before this returns. Then folds a long log into a checkpoint.
    pub fn request<R>(&self, namespaces: &Namespaces, work: impl FnOnce() -> R) -> io::Result<R> {
        let group = {
            let mut p = self.pending.lock();
            p.next_group += 1;
            p.next_group
        };
        GROUP.with(|g| g.set(Some((group, false))));
        let out = work();
        let wrote = GROUP.with(|g| g.take()).is_some_and(|(_, wrote)| wrote);
        if wrote {
            let at = self.append(&Record::Commit { group });
            self.sync(at)?;
            // The items may be in a table such a change made, which only its checkpoint holds:
            // answering before it is written could lose them with the table if the process died.
            let mut unsaved = self.unsaved.lock();
            let begun = unsaved.last_ticket;
            while unsaved.tickets.first().is_some_and(|&t| t <= begun) {
                self.saved.wait(&mut unsaved);
            }
        }
        self.checkpoint(namespaces, false)?;
        Ok(out)
    }

    /// Runs a change to more than items (CreateTable, UpdateTable, tags, a restore...) and, when
    /// `changed` says it took effect, writes a checkpoint before this returns. The change is visible
    /// as soon as `work` makes it, so item writes answered meanwhile wait for that checkpoint
    /// ([`Wal::request`]): a kill before it is written must not lose them.
    pub fn change_catalogue<R>(
        &self,
        namespaces: &Namespaces,
        work: impl FnOnce() -> R,
        changed: impl FnOnce(&R) -> bool,
    ) -> io::Result<R> {
        let ticket = {
            let mut unsaved = self.unsaved.lock();
            unsaved.last_ticket += 1;
            let ticket = unsaved.last_ticket;
            unsaved.tickets.insert(ticket);
            ticket
        };
        let out = work();
        let saved = self.checkpoint(namespaces, changed(&out));
        self.unsaved.lock().tickets.remove(&ticket);
        self.saved.notify_all();
        saved.map(|()| out)
    }

    /// Appends a record; returns its count, for [`Wal::sync`].
    fn append(&self, record: &Record) -> u64 {
        let payload = serde_json::to_vec(record).unwrap_or_default();
        let mut p = self.pending.lock();
        let before = p.buf.len();
        frame(&payload, &mut p.buf);
        p.log_bytes += (p.buf.len() - before) as u64;
        p.appended += 1;
        p.appended
    }

    /// Waits until the first `upto` frames are synced, syncing them itself if no one else is.
    fn sync(&self, upto: u64) -> io::Result<()> {
        let mut p = self.pending.lock();
        loop {
            if p.durable >= upto {
                return Ok(());
            }
            if p.syncing {
                self.synced.wait(&mut p);
                continue;
            }
            p.syncing = true;
            let bytes = std::mem::take(&mut p.buf);
            let through = p.appended;
            drop(p);
            let written = match self.file.lock().as_mut() {
                Some(file) => file.write_all(&bytes).and_then(|()| file.sync_data()),
                None => Err(io::Error::other("the log is not open")),
            };
            p = self.pending.lock();
            p.syncing = false;
            if written.is_ok() {
                p.durable = through;
            }
            self.synced.notify_all();
            written?;
        }
    }

    /// Writes the whole state as a new checkpoint and starts a new log, then deletes older files;
    /// unless `always`, only when the log has grown past [`COMPACT_BYTES`] (checked once this
    /// checkpoint's turn has come, so requests that saw a long log together compact it once).
    pub fn checkpoint(&self, namespaces: &Namespaces, always: bool) -> io::Result<()> {
        let long = || self.pending.lock().log_bytes > COMPACT_BYTES;
        if !always && !long() {
            return Ok(()); // the common case: no wait behind a checkpoint being written
        }
        let _one = self.checkpointing.lock();
        if !always && !long() {
            return Ok(());
        }
        // Inside the snapshot no item write can happen: the new log starts exactly after it.
        let (snapshot, generation) = namespaces.snapshot_then(|| self.switch_log());
        let generation = generation?;
        let path = self.dir.join(format!("checkpoint-{generation}"));
        let tmp = self.dir.join(format!("checkpoint-{generation}.tmp"));
        write_checkpoint(&tmp, &snapshot)?;
        fs::rename(&tmp, &path)?;
        sync_dir(&self.dir)?;
        let (checkpoints, logs) = generations(&self.dir)?;
        for n in checkpoints.into_iter().filter(|&n| n < generation) {
            fs::remove_file(self.dir.join(format!("checkpoint-{n}")))?;
        }
        for n in logs.into_iter().filter(|&n| n < generation) {
            fs::remove_file(self.dir.join(format!("wal-{n}")))?;
        }
        Ok(())
    }

    /// Syncs what is pending to the current log and opens the next; returns its generation.
    fn switch_log(&self) -> io::Result<u64> {
        let mut p = self.pending.lock();
        while p.syncing {
            self.synced.wait(&mut p);
        }
        let mut file = self.file.lock();
        if let Some(file) = file.as_mut() {
            file.write_all(&std::mem::take(&mut p.buf))?;
            file.sync_data()?;
        }
        p.durable = p.appended;
        p.generation += 1;
        p.log_bytes = 0;
        *file = Some(open_log(&self.dir, p.generation)?);
        self.synced.notify_all();
        Ok(p.generation)
    }
}

/// The log as one namespace's journal: its records name the namespace.
struct NamespaceLog {
    wal: Arc<Wal>,
    ns: NamespaceKey,
}

impl Journal for NamespaceLog {
    fn put(&self, table: &str, item: &Item) {
        self.wal.append(&Record::Put {
            ns: Cow::Borrowed(&self.ns),
            table: table.into(),
            group: mark_group(),
            item: Cow::Borrowed(item),
        });
    }

    fn delete(&self, table: &str, key: Item, by_ttl: bool) {
        self.wal.append(&Record::Delete {
            ns: Cow::Borrowed(&self.ns),
            table: table.into(),
            group: mark_group(),
            key,
            by_ttl,
        });
    }
}

/// The running request's group, now marked as having changed items (0 outside a request: such a
/// change, none today, stands alone).
fn mark_group() -> u64 {
    GROUP.with(|g| match g.get() {
        Some((group, _)) => {
            g.set(Some((group, true)));
            group
        }
        None => 0,
    })
}

/// A log record's group, read without building its item (recovery's first pass).
#[derive(Deserialize)]
enum Peek {
    Put { group: u64 },
    Delete { group: u64 },
    Commit { group: u64 },
}

/// What recovery found in the logs.
struct Replayed {
    last_group: u64,
    /// Each log's length up to its last good frame (the newest may have had a torn tail after it).
    lengths: Vec<u64>,
}

/// Applies the committed groups of the logs `generations`, in order.
fn replay(dir: &Path, generations: &[u64], namespaces: &Namespaces) -> io::Result<Replayed> {
    // Only the newest log can end in a torn write; an older one was synced before the next began.
    let open = |i: usize| {
        let path = dir.join(format!("wal-{}", generations[i]));
        Frames::open(&path, LOG_MAGIC, i + 1 == generations.len())
    };
    let mut committed = HashSet::from([0]);
    let mut last_group = 0;
    let mut payload = Vec::new();
    for i in 0..generations.len() {
        let mut frames = open(i)?;
        while frames.next_into(&mut payload)? {
            let peek = decode(&frames.path, &payload)?;
            let (Peek::Put { group } | Peek::Delete { group } | Peek::Commit { group }) = peek;
            if let Peek::Commit { .. } = peek {
                committed.insert(group);
            }
            last_group = last_group.max(group);
        }
    }
    let mut lengths = Vec::new();
    for i in 0..generations.len() {
        let frames = open(i)?.decode_each(
            |_, record: Record<'static>| Ok(record),
            |path, record| apply(namespaces, &committed, path, record),
        )?;
        lengths.push(frames.valid_len());
    }
    Ok(Replayed { last_group, lengths })
}

/// Applies one logged change if its group committed.
fn apply(namespaces: &Namespaces, committed: &HashSet<u64>, path: &Path, record: Record) -> io::Result<()> {
    let (ns, table, group) = match &record {
        Record::Put { ns, table, group, .. } | Record::Delete { ns, table, group, .. } => (ns, table, *group),
        Record::Commit { .. } => return Ok(()),
    };
    if !committed.contains(&group) {
        return Ok(());
    }
    // A table deleted after a record was logged is in the checkpoint that deletion wrote.
    let Some(table) = namespaces.get(&ns.0, &ns.1).store.table(table) else {
        return Ok(());
    };
    let mut state = table.state.write();
    match record {
        Record::Put { item, .. } => {
            if state.def.key.key_of(&item).is_none() {
                return Err(bad(path, "an item without its table's key"));
            }
            state.put(item.into_owned());
        }
        Record::Delete { key, by_ttl, .. } => {
            let key = state
                .def
                .key
                .key_of(&key)
                .ok_or_else(|| bad(path, "a delete without its table's key"))?;
            state.delete_as(&key, by_ttl);
        }
        Record::Commit { .. } => {}
    }
    Ok(())
}

fn write_checkpoint(path: &Path, snapshot: &Snapshot) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(CHECKPOINT_MAGIC)?;
    let mut buf = Vec::new();
    let mut put = |out: &mut BufWriter<File>, f: &Frame| -> io::Result<()> {
        buf.clear();
        frame(&serde_json::to_vec(f).map_err(io::Error::other)?, &mut buf);
        out.write_all(&buf)
    };
    put(&mut out, &Frame::Header { version: 1 })?;
    for (ns, store) in &snapshot.stores {
        let mut streams: BTreeMap<String, StreamImage> = BTreeMap::new();
        for (def, data) in &store.tables {
            let stream = data.stream.as_ref().map(|s| {
                streams.entry(s.arn.clone()).or_insert_with(|| s.image());
                s.arn.clone()
            });
            let ttl = data.ttl.as_ref().map(|t| t.attribute.clone());
            let (ns, def) = (ns.clone(), def.clone());
            put(&mut out, &Frame::Table { ns, def, ttl, stream })?;
            for item in data.items.iter() {
                put(&mut out, &Frame::Item(Cow::Owned(item.item())))?;
            }
        }
        for (arn, stream) in &store.streams {
            streams.entry(arn.clone()).or_insert_with(|| stream.image());
        }
        for stream in streams.into_values() {
            put(&mut out, &Frame::Stream { ns: ns.clone(), stream })?;
        }
        for (arn, tags) in &store.tags {
            let (ns, arn, tags) = (ns.clone(), arn.clone(), tags.clone());
            put(&mut out, &Frame::Tags { ns, arn, tags })?;
        }
        for (arn, p) in &store.policies {
            let (ns, arn) = (ns.clone(), arn.clone());
            let (document, revision) = (p.document.clone(), p.revision.clone());
            put(
                &mut out,
                &Frame::Policy {
                    ns,
                    arn,
                    document,
                    revision,
                },
            )?;
        }
    }
    put(&mut out, &Frame::End)?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// A table being loaded: its items go in as they are read (before the stream is attached, so
/// loading records nothing), then its TTL attribute and stream ARN are set.
struct Loading {
    build: crate::store::TableBuild,
    ttl: Option<String>,
    stream: Option<String>,
}

/// One namespace being loaded.
#[derive(Default)]
struct LoadingStore {
    tables: Vec<Loading>,
    streams: BTreeMap<String, Arc<Stream>>,
    tags: HashMap<String, Vec<(String, String)>>,
    policies: HashMap<String, Policy>,
}

/// A checkpoint frame as the reading thread hands it over: an item already in its stored form
/// with its position (so the building thread only inserts), anything else as decoded.
enum Loaded {
    Item(Item, crate::store::Keyed),
    /// Boxed: items are most frames and far smaller.
    Frame(Box<Frame<'static>>),
}

fn load_checkpoint(path: &Path, clock: &Arc<Clock>) -> io::Result<Snapshot> {
    let mut stores: BTreeMap<NamespaceKey, LoadingStore> = BTreeMap::new();
    // The table the next items belong to: its namespace's last.
    let mut current: Option<NamespaceKey> = None;
    let mut ended = false;
    let mut first = true;
    // The key schema of the last table frame read, for the items that follow it.
    let mut key: Option<crate::model::KeySchema> = None;
    let prepare = |path: &Path, frame: Frame<'static>| match frame {
        Frame::Item(item) => key
            .as_ref()
            .and_then(|key| {
                let item = item.into_owned();
                let stored = crate::store::TableBuild::entry(key, &item)?;
                Some(Loaded::Item(item, stored))
            })
            .ok_or_else(|| bad(path, "an item outside a table or without its key")),
        frame => {
            if let Frame::Table { def, .. } = &frame {
                key = Some(def.key.clone());
            }
            Ok(Loaded::Frame(Box::new(frame)))
        }
    };
    let frames = Frames::open(path, CHECKPOINT_MAGIC, false)?;
    frames.decode_each(prepare, |path, loaded| {
        let frame = match loaded {
            Loaded::Item(item, stored) => {
                let table = current.as_ref().and_then(|ns| stores.get_mut(ns)?.tables.last_mut());
                return match table {
                    Some(t) => match t.build.push(&item, stored) {
                        true => Ok(()),
                        false => Err(bad(path, "items out of key order")),
                    },
                    None => Err(bad(path, "an item outside a table or without its key")),
                };
            }
            Loaded::Frame(frame) => *frame,
        };
        match (std::mem::take(&mut first), frame) {
            (true, Frame::Header { version: 1 }) => {}
            (true, _) | (_, Frame::Header { .. }) => return Err(bad(path, "unsupported checkpoint version")),
            (_, Frame::Table { ns, def, ttl, stream }) => {
                let build = crate::store::TableBuild::new(def);
                stores
                    .entry(ns.clone())
                    .or_default()
                    .tables
                    .push(Loading { build, ttl, stream });
                current = Some(ns);
            }
            (_, Frame::Item(_)) => unreachable!("items are prepared on the reading thread"),
            (_, Frame::Stream { ns, stream }) => {
                let stream = Stream::from_image(stream, clock.clone());
                let streams = &mut stores.entry(ns).or_default().streams;
                streams.insert(stream.arn.clone(), Arc::new(stream));
            }
            (_, Frame::Tags { ns, arn, tags }) => drop(stores.entry(ns).or_default().tags.insert(arn, tags)),
            (
                _,
                Frame::Policy {
                    ns,
                    arn,
                    document,
                    revision,
                },
            ) => {
                let policy = Policy { document, revision };
                drop(stores.entry(ns).or_default().policies.insert(arn, policy))
            }
            (_, Frame::End) => ended = true,
        }
        Ok(())
    })?;
    if !ended {
        return Err(bad(path, "truncated checkpoint"));
    }
    let stores = stores
        .into_iter()
        .map(|(ns, store)| {
            let LoadingStore {
                tables,
                streams,
                tags,
                policies,
            } = store;
            let tables = tables
                .into_iter()
                .map(|Loading { build, ttl, stream }| {
                    let (def, mut data) = build.finish(ttl);
                    data.stream = stream.and_then(|arn| streams.get(&arn).cloned());
                    (def, data)
                })
                .collect();
            (
                ns,
                StoreSnapshot {
                    tables,
                    streams,
                    tags,
                    policies,
                },
            )
        })
        .collect();
    Ok(Snapshot { stores })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::protocol::request;
    use serde_json::{json, Value};

    /// A scratch database directory, removed at the end.
    struct Dir(PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn dir(name: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("ddbemu-durable-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        Dir(path)
    }

    fn open(dir: &Dir) -> io::Result<Engine> {
        let mut engine = Engine::new(Clock::System);
        engine.open_db(&dir.0)?;
        Ok(engine)
    }

    fn call(engine: &Engine, op: &str, body: Value) -> Value {
        call_in(engine, "us-east-1", op, body)
    }

    /// `call`, signed for `region` (so working in that region's namespace).
    fn call_in(engine: &Engine, region: &str, op: &str, body: Value) -> Value {
        let mut req = request(op, &body);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=test/20260101/{region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
        );
        req.headers_mut().insert("authorization", auth.parse().unwrap());
        let res = engine.handle(&req);
        let out = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
        assert_eq!(res.status(), 200, "{op} in {region}: {out}");
        out
    }

    fn create(engine: &Engine) {
        call(
            engine,
            "CreateTable",
            json!({
                "TableName": "things",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "g", "AttributeType": "S"}
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [{
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"}
                }]
            }),
        );
    }

    fn put(engine: &Engine, pk: &str, g: &str) {
        call(
            engine,
            "PutItem",
            json!({"TableName": "things", "Item": {"pk": {"S": pk}, "g": {"S": g}, "n": {"N": "1.50"}}}),
        );
    }

    /// Item keys in scan order, and the keys the index holds for `g = x`.
    fn contents(engine: &Engine) -> (Vec<String>, Vec<String>) {
        let keys = |out: Value| -> Vec<String> {
            let mut keys: Vec<String> = out["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["pk"]["S"].as_str().unwrap().to_string())
                .collect();
            keys.sort();
            keys
        };
        let scan = call(engine, "Scan", json!({"TableName": "things"}));
        let query = call(
            engine,
            "Query",
            json!({"TableName": "things", "IndexName": "by-g", "KeyConditionExpression": "g = :g",
                   "ExpressionAttributeValues": {":g": {"S": "x"}}}),
        );
        (keys(scan), keys(query))
    }

    fn wal_path(dir: &Dir) -> PathBuf {
        let (_, logs) = generations(&dir.0).unwrap();
        dir.0.join(format!("wal-{}", logs.last().unwrap()))
    }

    #[test]
    fn logged_item_changes_are_replayed_with_their_indexes() {
        let dir = dir("replay");
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
            put(&engine, "b", "x");
            put(&engine, "c", "y");
            call(
                &engine,
                "DeleteItem",
                json!({"TableName": "things", "Key": {"pk": {"S": "b"}}}),
            );
            call(
                &engine,
                "UpdateItem",
                json!({"TableName": "things", "Key": {"pk": {"S": "c"}}, "UpdateExpression": "SET g = :x",
                       "ExpressionAttributeValues": {":x": {"S": "x"}}}),
            );
            // Item writes went to the log only: no checkpoint since CreateTable.
            assert!(fs::metadata(wal_path(&dir)).unwrap().len() > LOG_MAGIC.len() as u64);
        }
        let engine = open(&dir).unwrap();
        assert_eq!(
            contents(&engine),
            (vec!["a".into(), "c".into()], vec!["a".into(), "c".into()])
        );
        let item = call(
            &engine,
            "GetItem",
            json!({"TableName": "things", "Key": {"pk": {"S": "a"}}}),
        );
        assert_eq!(
            item["Item"],
            json!({"pk": {"S": "a"}, "g": {"S": "x"}, "n": {"N": "1.5"}})
        );
    }

    #[test]
    fn ttl_settings_and_tags_survive() {
        let dir = dir("catalogue");
        let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/things";
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            let ttl =
                json!({"TableName": "things", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}});
            call(&engine, "UpdateTimeToLive", ttl);
            call(
                &engine,
                "TagResource",
                json!({"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "a"}]}),
            );
        }
        let engine = open(&dir).unwrap();
        let ttl = call(&engine, "DescribeTimeToLive", json!({"TableName": "things"}));
        assert_eq!(
            ttl,
            json!({"TimeToLiveDescription": {"AttributeName": "exp", "TimeToLiveStatus": "ENABLED"}})
        );
        let tags = call(&engine, "ListTagsOfResource", json!({"ResourceArn": arn}));
        assert_eq!(tags, json!({"Tags": [{"Key": "team", "Value": "a"}]}));
    }

    #[test]
    fn two_regions_tables_survive_a_reopen_apart() {
        let dir = dir("regions");
        let regions = [("us-east-1", "east"), ("eu-west-1", "west")];
        let west_arn = "arn:aws:dynamodb:eu-west-1:000000000000:table/things";
        let tags = json!({"Tags": [{"Key": "team", "Value": "west"}]});
        {
            let engine = open(&dir).unwrap();
            for (region, _) in regions {
                let table = json!({
                    "TableName": "things",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST"
                });
                call_in(&engine, region, "CreateTable", table);
            }
            let tag = json!({"ResourceArn": west_arn, "Tags": tags["Tags"]});
            call_in(&engine, "eu-west-1", "TagResource", tag);
            // Logged only (no checkpoint after them), each record naming its region.
            for (region, pk) in regions {
                let put = json!({"TableName": "things", "Item": {"pk": {"S": pk}}});
                call_in(&engine, region, "PutItem", put);
            }
        }
        // First from the checkpoint and the log, then from the checkpoint that reopening wrote.
        for _ in 0..2 {
            let engine = open(&dir).unwrap();
            for (region, pk) in regions {
                let scan = call_in(&engine, region, "Scan", json!({"TableName": "things"}));
                assert_eq!(scan["Items"], json!([{"pk": {"S": pk}}]), "{region}");
            }
            let listed = call_in(
                &engine,
                "eu-west-1",
                "ListTagsOfResource",
                json!({"ResourceArn": west_arn}),
            );
            assert_eq!(listed, tags);
        }
    }

    #[test]
    fn a_group_without_its_commit_is_not_applied() {
        let dir = dir("uncommitted");
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
            // A two-item request that died before its commit record.
            let wal = engine.durable.clone().unwrap();
            for pk in ["b", "c"] {
                let item = Item::from_iter([("pk".to_string(), crate::model::AttributeValue::S(pk.into()))]);
                let at = wal.append(&Record::Put {
                    ns: Cow::Owned(("000000000000".into(), "us-east-1".into())),
                    table: "things".into(),
                    group: 1 << 40,
                    item: Cow::Owned(item),
                });
                wal.sync(at).unwrap();
            }
        }
        let engine = open(&dir).unwrap();
        assert_eq!(contents(&engine), (vec!["a".into()], vec!["a".into()]));
    }

    #[test]
    fn a_torn_last_write_is_cut_off_and_corruption_refused() {
        let dir = dir("torn");
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
        }
        // The process died halfway through writing a frame.
        let mut wal = fs::OpenOptions::new().append(true).open(wal_path(&dir)).unwrap();
        wal.write_all(&[200, 0, 0, 0, 1, 2]).unwrap();
        drop(wal);
        {
            let engine = open(&dir).unwrap();
            assert_eq!(contents(&engine).0, ["a"]);
            // Appended after the last good frame: the torn bytes were cut off, not left before it.
            put(&engine, "b", "x");
        }
        {
            let engine = open(&dir).unwrap();
            assert_eq!(contents(&engine).0, ["a", "b"]);
        }
        // A flipped byte inside a checkpoint (synced before it was renamed into place) is damage.
        let (checkpoints, _) = generations(&dir.0).unwrap();
        let checkpoint = dir.0.join(format!("checkpoint-{}", checkpoints[0]));
        let mut bytes = fs::read(&checkpoint).unwrap();
        bytes[20] ^= 0xff;
        fs::write(&checkpoint, bytes).unwrap();
        let err = open(&dir).err().unwrap().to_string();
        assert_eq!(err, format!("{}: corrupt frame at byte 8", checkpoint.display()));
    }

    #[test]
    fn a_log_cut_short_in_its_header_is_dropped_and_made_again() {
        let dir = dir("header");
        let mut written = vec!["a"];
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
        }
        // The process died creating the next log: before its header, then halfway through it.
        for (torn, key) in [(&b""[..], "b"), (&LOG_MAGIC[..3], "c")] {
            let (_, logs) = generations(&dir.0).unwrap();
            let next = dir.0.join(format!("wal-{}", logs.last().unwrap() + 1));
            fs::write(&next, torn).unwrap();
            let engine = open(&dir).unwrap();
            assert_eq!(contents(&engine).0, written);
            assert!(!next.exists());
            put(&engine, key, "x");
            written.push(key);
            // Its checkpoint makes that log afresh.
            let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/things";
            call(
                &engine,
                "TagResource",
                json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": key}]}),
            );
            assert!(next.exists());
        }
        assert_eq!(contents(&open(&dir).unwrap()).0, written);
    }

    /// A table with a global and a local index and Time to Live, filled by PutItem in an order
    /// unrelated to scan order; returns its definition and data as a snapshot holds them.
    fn indexed_table(engine: &Engine) -> (TableDef, crate::store::TableData) {
        call(
            engine,
            "CreateTable",
            json!({
                "TableName": "indexed",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "N"},
                    {"AttributeName": "g", "AttributeType": "S"},
                    {"AttributeName": "l", "AttributeType": "N"}
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [{"IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                "LocalSecondaryIndexes": [{"IndexName": "by-l",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"}}]
            }),
        );
        let ttl = json!({"TableName": "indexed", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}});
        call(engine, "UpdateTimeToLive", ttl);
        for i in 0..300u32 {
            let n = i * 7919 % 300;
            let mut item = json!({"pk": {"S": format!("p{}", n % 13)}, "sk": {"N": n.to_string()}, "v": {"S": "x".repeat(n as usize % 40)}});
            if n % 3 == 0 {
                item["g"] = json!({"S": format!("g{}", n % 5)});
            }
            if n % 4 == 0 {
                item["l"] = json!({"N": (n % 9).to_string()});
            }
            if n % 5 == 0 {
                item["exp"] = json!({"N": (1_000 + n).to_string()});
            }
            call(engine, "PutItem", json!({"TableName": "indexed", "Item": item}));
        }
        let snapshot = engine.snapshot();
        let tables = &snapshot.stores.values().next().unwrap().tables;
        let (def, data) = tables.iter().find(|(def, _)| def.name == "indexed").unwrap();
        (def.clone(), data.clone())
    }

    #[test]
    fn a_table_built_in_scan_order_equals_one_put_item_by_item() {
        let engine = Engine::new(Clock::System);
        let (def, data) = indexed_table(&engine);
        let mut build = crate::store::TableBuild::new(def.clone());
        for stored in data.items.iter() {
            let item = stored.item();
            let encoded = crate::store::TableBuild::entry(&def.key, &item).unwrap();
            assert!(build.push(&item, encoded));
        }
        let (_, built) = build.finish(Some("exp".into()));
        // Maps compare their keys (positions); the stored bytes too.
        let bytes = |d: &crate::store::TableData| d.items.iter().map(|i| (**i).clone()).collect::<Vec<_>>();
        assert_eq!(bytes(&built), bytes(&data));
        assert_eq!(built.items, data.items);
        assert_eq!(built.indexes, data.indexes);
        assert_eq!(built.indexes["by-g"].len(), 100);
        assert_eq!(built.size_bytes, data.size_bytes);
        assert_eq!(built.collections, data.collections);
        let due = |d: &crate::store::TableData| d.ttl.as_ref().unwrap().due(1_000_000_000, 1_000);
        assert_eq!(due(&built).len(), 60);
        assert_eq!(due(&built), due(&data));
    }

    #[test]
    fn a_checkpoint_with_items_out_of_key_order_is_refused() {
        let engine = Engine::new(Clock::System);
        let (def, data) = indexed_table(&engine);
        let dir = dir("order");
        fs::create_dir_all(&dir.0).unwrap();
        let path = dir.0.join("checkpoint-1");
        let mut bytes = CHECKPOINT_MAGIC.to_vec();
        let ns = ("000000000000".to_string(), "us-east-1".to_string());
        let (ttl, stream) = (None, None);
        let mut frames = vec![Frame::Header { version: 1 }, Frame::Table { ns, def, ttl, stream }];
        // The first two items, swapped.
        let mut items = data.items.iter().take(2).map(|i| Frame::Item(Cow::Owned(i.item())));
        let (first, second) = (items.next().unwrap(), items.next().unwrap());
        frames.extend([second, first, Frame::End]);
        for f in &frames {
            frame(&serde_json::to_vec(f).unwrap(), &mut bytes);
        }
        fs::write(&path, bytes).unwrap();
        let err = open(&dir).err().unwrap().to_string();
        assert_eq!(err, format!("{}: items out of key order", path.display()));
    }

    #[test]
    fn a_foreign_file_is_refused_by_name() {
        let dir = dir("foreign");
        fs::create_dir_all(&dir.0).unwrap();
        let path = dir.0.join("checkpoint-1");
        fs::write(&path, b"SQLite format 3\0").unwrap();
        let err = open(&dir).err().unwrap().to_string();
        assert_eq!(
            err,
            format!(
                "{}: not a dynamodb-emulator database file (wrong header); is --db-path the right directory?",
                path.display()
            )
        );
    }
}
