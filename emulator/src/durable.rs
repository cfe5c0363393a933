//! Durable mode (`--db-path DIR`, `Builder::db_path`): the state survives the process.
//!
//! Two kinds of file, both a magic header naming the format's version followed by frames (`u32`
//! length, CRC-32 of the payload, payload). A payload's first byte says what it holds: an item as
//! the store keeps it ([`Stored`]'s bytes, written as they are and checked by [`Stored::checked`]
//! when read back), a log's put (its group, namespace and table, then such an item), or anything
//! else as JSON (serde_json's depth limit bounds decoding).
//!
//! - `checkpoint-N`: the whole state as of the start of `wal-N` (tables with their items, TTL
//!   settings, streams with their records, tags, policies, transactions' ClientRequestTokens),
//!   written to a temporary file, synced and renamed into place. Indexes are rebuilt from the
//!   items on load.
//! - `wal-N`: item changes after that checkpoint, one record per change in the order the store
//!   applied them (the store's [`Journal`], called on its single write path under the table's write
//!   lock), and each transaction's ClientRequestToken as it succeeds. Every record carries the
//!   request's group; a group's `Commit` record ends it, and recovery applies only committed
//!   groups, so a batch or transaction is all or nothing. A change names its table's `table_id`
//!   too: replayed onto a table of that name that is not the one it was made in (made again
//!   while a checkpoint was being written, which the kill lost), it is skipped, as it was never
//!   acknowledged.
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
use crate::inflight::{Done, TokenJournal, Transactions};
use crate::model::{Checked, Item, Stored, TableDef};
use crate::store::{
    Backup, Journal, Keyed, NamespaceKey, Namespaces, Policy, Slot, Snapshot, StoreSnapshot, Stream, StreamImage,
};

/// The format's version, the last byte of each file's magic (and a checkpoint's `Header`).
const VERSION: u8 = 2;
const LOG_MAGIC: &[u8; 8] = b"DDBEMUL2";
const CHECKPOINT_MAGIC: &[u8; 8] = b"DDBEMUC2";
/// A log past this size is folded into a new checkpoint, which bounds start-up replay.
pub const COMPACT_BYTES: u64 = 64 * 1024 * 1024;

/// A payload's first byte: JSON follows ([`Record`] or [`Frame`]).
const JSON: u8 = 0;
/// A checkpoint's item: [`Stored`]'s bytes follow.
const ITEM: u8 = 1;
/// A log's put: group (`u64`), account, region, table and `table_id` (each a `u32` length and
/// UTF-8), then [`Stored`]'s bytes.
const PUT: u8 = 2;

/// A log record other than a put: a delete, a ClientRequestToken, the end of a request's group.
#[derive(Serialize, Deserialize)]
enum Record<'a> {
    Delete {
        ns: Cow<'a, NamespaceKey>,
        table: Cow<'a, str>,
        table_id: Cow<'a, str>,
        group: u64,
        key: Item,
        by_ttl: bool,
    },
    Token {
        ns: Cow<'a, NamespaceKey>,
        group: u64,
        token: Cow<'a, str>,
        done: Cow<'a, Done>,
    },
    Commit {
        group: u64,
    },
}

/// A log record as recovery reads it.
enum Logged {
    Put {
        ns: NamespaceKey,
        table: String,
        table_id: String,
        group: u64,
        item: Item,
    },
    Other(Record<'static>),
}

/// A checkpoint's frames: `Header`, then each table followed by its items (`ITEM` payloads), each
/// backup followed by its items, then streams, tags, policies and ClientRequestTokens, each naming its namespace, and `End` (a
/// checkpoint without it is refused).
#[derive(Serialize, Deserialize)]
enum Frame {
    Header {
        version: u32,
    },
    Table {
        ns: NamespaceKey,
        /// Boxed: a definition is many times the size of the other frames.
        def: Box<TableDef>,
        ttl: Option<String>,
        stream: Option<String>,
    },
    Stream {
        ns: NamespaceKey,
        stream: StreamImage,
    },
    /// An on-demand backup, followed by its items like a table.
    Backup {
        ns: NamespaceKey,
        arn: String,
        name: String,
        created_millis: i64,
        def: Box<TableDef>,
        ttl: Option<String>,
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
    Token {
        ns: NamespaceKey,
        token: String,
        done: Done,
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
    /// Whose finished ClientRequestTokens each checkpoint holds.
    transactions: Arc<Transactions>,
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
    /// Set when writing the log failed: what was pending is lost and the file may end in part of
    /// a frame, so nothing after it may be acknowledged (a later commit would stand without the
    /// records lost before it); every later sync fails with this until a restart.
    failed: Option<String>,
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

/// A `JSON` payload.
fn json(value: &impl Serialize) -> Vec<u8> {
    let mut payload = vec![JSON];
    // Serializing our own types into memory cannot fail.
    let _ = serde_json::to_writer(&mut payload, value);
    payload
}

fn field(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// A `PUT` payload.
fn put_payload(ns: &NamespaceKey, table: &TableDef, group: u64, item: &Stored) -> Vec<u8> {
    let mut payload = Vec::with_capacity(64 + item.bytes().len());
    payload.push(PUT);
    payload.extend_from_slice(&group.to_le_bytes());
    for text in [&ns.0, &ns.1, &table.name, &table.table_id] {
        field(&mut payload, text);
    }
    payload.extend_from_slice(item.bytes());
    payload
}

/// One frame's payload being read, at `offset` in its file (for errors naming the byte).
struct Payload<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    at: usize,
    offset: u64,
}

impl<'a> Payload<'a> {
    fn error(&self, at: usize, what: impl std::fmt::Display) -> io::Error {
        bad(
            self.path,
            format_args!("undecodable record at byte {}: {what}", self.offset + at as u64),
        )
    }

    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        let taken = self.bytes.get(self.at..self.at.saturating_add(n));
        let taken = taken.ok_or_else(|| self.error(self.at, "cut short"))?;
        self.at += n;
        Ok(taken)
    }

    fn u64(&mut self) -> io::Result<u64> {
        let mut b = [0; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    fn text(&mut self) -> io::Result<String> {
        let mut n = [0; 4];
        n.copy_from_slice(self.take(4)?);
        let at = self.at;
        let text = self.take(u32::from_le_bytes(n) as usize)?;
        String::from_utf8(text.to_vec()).map_err(|_| self.error(at, "a name not UTF-8"))
    }

    /// The rest as a stored item's bytes, checked, with its decoded form.
    fn item(self) -> io::Result<Checked<'a>> {
        Stored::checked(&self.bytes[self.at..])
            .map_err(|m| self.error(self.at + m.at, format_args!("a damaged item: {}", m.what)))
    }

    /// The rest as JSON.
    fn json<T: for<'de> Deserialize<'de>>(self) -> io::Result<T> {
        serde_json::from_slice(&self.bytes[self.at..]).map_err(|e| self.error(self.at, e))
    }
}

/// Splits a payload into its kind and contents.
fn payload<'a>(path: &'a Path, offset: u64, bytes: &'a [u8]) -> io::Result<(u8, Payload<'a>)> {
    let mut p = Payload {
        path,
        bytes,
        at: 0,
        offset,
    };
    let kind = p.take(1)?[0];
    Ok((kind, p))
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
    /// Where the payload last read starts.
    payload_at: u64,
    torn_tail_ok: bool,
}

impl Frames {
    fn open(path: &Path, magic: &[u8; 8], torn_tail_ok: bool) -> io::Result<Frames> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut head = [0; 8];
        let got = read_up_to(&mut reader, &mut head)?;
        if got == 8 && head[..7] == magic[..7] && head[7] != magic[7] && head[7].is_ascii_digit() {
            return Err(bad(
                path,
                format_args!(
                    "database format version {} (an older dynamodb-emulator's); this one reads version {VERSION} only: start with an empty --db-path directory",
                    head[7] as char
                ),
            ));
        }
        if got < 8 || &head != magic {
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
            payload_at: 8,
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
        self.payload_at = self.at + 8;
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

    /// Decodes every frame with `prepare` on a second thread while `apply` consumes the results
    /// in order on this one (decoding and building the maps take about the same time); stops at
    /// the first error.
    fn decode_each<U: Send>(
        mut self,
        mut prepare: impl FnMut(&Path, u64, &[u8]) -> io::Result<U> + Send,
        mut apply: impl FnMut(&Path, U) -> io::Result<()>,
    ) -> io::Result<Frames> {
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
                            Ok(true) => match prepare(&self.path, self.payload_at, &payload) {
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
    /// Recovers the state of `namespaces` and the finished ClientRequestTokens of `transactions`
    /// (streams stamped by `clock`) from `dir` (created if missing), then attaches the log to
    /// both and writes a fresh checkpoint. Fails with the file at fault on a foreign or corrupt file.
    pub fn open(
        dir: &Path,
        namespaces: &Namespaces,
        transactions: &Arc<Transactions>,
        clock: &Arc<Clock>,
    ) -> io::Result<Arc<Wal>> {
        fs::create_dir_all(dir)?;
        let (checkpoints, logs) = generations(dir)?;
        let base = checkpoints.last().copied().unwrap_or(0);
        if let Some(&n) = checkpoints.last() {
            let (snapshot, tokens) = load_checkpoint(&dir.join(format!("checkpoint-{n}")), clock)?;
            namespaces.restore(&snapshot, clock.now_millis());
            for (ns, token, done) in tokens {
                transactions.keep(ns, token, done);
            }
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
        let Replayed { last_group, lengths } = replay(dir, &logs, namespaces, transactions)?;
        let generation = logs.last().copied().unwrap_or(base);
        let wal = Arc::new(Wal {
            dir: dir.to_path_buf(),
            transactions: transactions.clone(),
            pending: Mutex::new(Pending {
                buf: Vec::new(),
                appended: 0,
                durable: 0,
                syncing: false,
                generation,
                next_group: last_group + 1,
                log_bytes: lengths.iter().sum(),
                failed: None,
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
        transactions.attach(wal.clone());
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
            let at = self.append(json(&Record::Commit { group }));
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

    /// Appends a record's payload; returns its count, for [`Wal::sync`].
    fn append(&self, payload: Vec<u8>) -> u64 {
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
            if let Some(failed) = &p.failed {
                return Err(io::Error::other(format!("the log failed earlier: {failed}")));
            }
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
            match &written {
                Ok(()) => p.durable = through,
                Err(e) => p.failed = Some(e.to_string()),
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
        // Inside the snapshot no item write can happen, and no token can finish inside the copy
        // of the tokens: the new log starts exactly after both.
        let (snapshot, (tokens, generation)) =
            namespaces.snapshot_then(|| self.transactions.with_done(|tokens| (tokens, self.switch_log())));
        let generation = generation?;
        let path = self.dir.join(format!("checkpoint-{generation}"));
        let tmp = self.dir.join(format!("checkpoint-{generation}.tmp"));
        write_checkpoint(&tmp, &snapshot, &tokens)?;
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
        if let Some(failed) = &p.failed {
            return Err(io::Error::other(format!("the log failed earlier: {failed}")));
        }
        let mut file = self.file.lock();
        let pending = std::mem::take(&mut p.buf);
        let written = match file.as_mut() {
            Some(file) => file.write_all(&pending).and_then(|()| file.sync_data()),
            None => Ok(()),
        };
        let next = written.and_then(|()| open_log(&self.dir, p.generation + 1));
        self.synced.notify_all();
        match next {
            Ok(next) => {
                *file = Some(next);
                p.durable = p.appended;
                p.generation += 1;
                p.log_bytes = 0;
                Ok(p.generation)
            }
            Err(e) => {
                p.failed = Some(e.to_string());
                Err(e)
            }
        }
    }
}

/// The log as one namespace's journal: its records name the namespace.
struct NamespaceLog {
    wal: Arc<Wal>,
    ns: NamespaceKey,
}

impl Journal for NamespaceLog {
    fn put(&self, table: &TableDef, item: &Stored) {
        self.wal.append(put_payload(&self.ns, table, mark_group(), item));
    }

    fn delete(&self, table: &TableDef, key: Item, by_ttl: bool) {
        self.wal.append(json(&Record::Delete {
            ns: Cow::Borrowed(&self.ns),
            table: Cow::Borrowed(&table.name),
            table_id: Cow::Borrowed(&table.table_id),
            group: mark_group(),
            key,
            by_ttl,
        }));
    }
}

/// A finished transaction's ClientRequestToken goes into its request's group, so it is kept
/// exactly when the transaction's writes are.
impl TokenJournal for Wal {
    fn done(&self, ns: &NamespaceKey, token: &str, done: &Done) {
        self.append(json(&Record::Token {
            ns: Cow::Borrowed(ns),
            group: mark_group(),
            token: Cow::Borrowed(token),
            done: Cow::Borrowed(done),
        }));
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

/// A JSON record's group, read without building the rest (recovery's first pass).
#[derive(Deserialize)]
enum Peek {
    Delete { group: u64 },
    Token { group: u64 },
    Commit { group: u64 },
}

/// A log record's group, and whether it is a `Commit`.
fn peek(path: &Path, offset: u64, bytes: &[u8]) -> io::Result<(u64, bool)> {
    let (kind, mut p) = payload(path, offset, bytes)?;
    match kind {
        PUT => Ok((p.u64()?, false)),
        JSON => match p.json()? {
            Peek::Delete { group } | Peek::Token { group } => Ok((group, false)),
            Peek::Commit { group } => Ok((group, true)),
        },
        _ => Err(p.error(0, format_args!("an unknown record kind {kind}"))),
    }
}

/// A log record, decoded (an item checked) on the reading thread.
fn logged(path: &Path, offset: u64, bytes: &[u8]) -> io::Result<Logged> {
    let (kind, mut p) = payload(path, offset, bytes)?;
    match kind {
        PUT => {
            let group = p.u64()?;
            let ns = (p.text()?, p.text()?);
            let (table, table_id) = (p.text()?, p.text()?);
            let item = p.item()?.item;
            Ok(Logged::Put {
                ns,
                table,
                table_id,
                group,
                item,
            })
        }
        JSON => p.json().map(Logged::Other),
        _ => Err(p.error(0, format_args!("an unknown record kind {kind}"))),
    }
}

/// What recovery found in the logs.
struct Replayed {
    last_group: u64,
    /// Each log's length up to its last good frame (the newest may have had a torn tail after it).
    lengths: Vec<u64>,
}

/// Applies the committed groups of the logs `generations`, in order.
fn replay(
    dir: &Path,
    generations: &[u64],
    namespaces: &Namespaces,
    transactions: &Transactions,
) -> io::Result<Replayed> {
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
            let (group, commit) = peek(&frames.path, frames.payload_at, &payload)?;
            if commit {
                committed.insert(group);
            }
            last_group = last_group.max(group);
        }
    }
    let mut lengths = Vec::new();
    for i in 0..generations.len() {
        let frames = open(i)?.decode_each(logged, |path, record| {
            apply(namespaces, transactions, &committed, path, record)
        })?;
        lengths.push(frames.valid_len());
    }
    Ok(Replayed { last_group, lengths })
}

/// Applies one logged change if its group committed, to the table it was made in.
fn apply(
    namespaces: &Namespaces,
    transactions: &Transactions,
    committed: &HashSet<u64>,
    path: &Path,
    record: Logged,
) -> io::Result<()> {
    let (ns, table, table_id, group) = match &record {
        Logged::Put {
            ns,
            table,
            table_id,
            group,
            ..
        } => (ns, &**table, &**table_id, *group),
        Logged::Other(Record::Delete {
            ns,
            table,
            table_id,
            group,
            ..
        }) => (&**ns, &**table, &**table_id, *group),
        Logged::Other(Record::Token { ns, group, token, done }) => {
            if committed.contains(group) {
                transactions.keep(ns.clone().into_owned(), token.to_string(), done.clone().into_owned());
            }
            return Ok(());
        }
        Logged::Other(Record::Commit { .. }) => return Ok(()),
    };
    if !committed.contains(&group) {
        return Ok(());
    }
    // A table deleted after a record was logged is in the checkpoint that deletion wrote; one
    // made after it under the same name, whose checkpoint the kill lost, is a different table.
    let Some(table) = namespaces.get(&ns.0, &ns.1).store.table(table) else {
        return Ok(());
    };
    let mut state = table.state.write();
    if state.def.table_id != table_id {
        return Ok(());
    }
    match record {
        Logged::Put { item, .. } => {
            if state.def.key.key_of(&item).is_none() {
                return Err(bad(path, "an item without its table's key"));
            }
            state.put(item);
        }
        Logged::Other(Record::Delete { key, by_ttl, .. }) => {
            let key = state
                .def
                .key
                .key_of(&key)
                .ok_or_else(|| bad(path, "a delete without its table's key"))?;
            state.delete_as(&key, by_ttl);
        }
        Logged::Other(_) => {}
    }
    Ok(())
}

type Tokens = Vec<(NamespaceKey, String, Done)>;

fn write_checkpoint(path: &Path, snapshot: &Snapshot, tokens: &Tokens) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(CHECKPOINT_MAGIC)?;
    let mut buf = Vec::new();
    let mut put = |out: &mut BufWriter<File>, payload: &[u8]| -> io::Result<()> {
        buf.clear();
        frame(payload, &mut buf);
        out.write_all(&buf)
    };
    let version = VERSION.into();
    put(&mut out, &json(&Frame::Header { version }))?;
    let mut item = Vec::new();
    for (ns, store) in &snapshot.stores {
        let mut streams: BTreeMap<String, StreamImage> = BTreeMap::new();
        for (def, data) in &store.tables {
            let stream = data.stream.as_ref().map(|s| {
                streams.entry(s.arn.clone()).or_insert_with(|| s.image());
                s.arn.clone()
            });
            let ttl = data.ttl.as_ref().map(|t| t.attribute.clone());
            let (ns, def) = (ns.clone(), Box::new(def.clone()));
            put(&mut out, &json(&Frame::Table { ns, def, ttl, stream }))?;
            put_items(&mut put, &mut out, &data.items, &mut item)?;
        }
        for b in store.backups.values() {
            let (ns, arn, name, def) = (ns.clone(), b.arn.clone(), b.name.clone(), Box::new(b.def.clone()));
            let (created_millis, ttl) = (b.created_millis, b.ttl.clone());
            put(
                &mut out,
                &json(&Frame::Backup {
                    ns,
                    arn,
                    name,
                    created_millis,
                    def,
                    ttl,
                }),
            )?;
            put_items(&mut put, &mut out, &b.data.items, &mut item)?;
        }
        for (arn, stream) in &store.streams {
            streams.entry(arn.clone()).or_insert_with(|| stream.image());
        }
        for stream in streams.into_values() {
            put(&mut out, &json(&Frame::Stream { ns: ns.clone(), stream }))?;
        }
        for (arn, tags) in &store.tags {
            let (ns, arn, tags) = (ns.clone(), arn.clone(), tags.clone());
            put(&mut out, &json(&Frame::Tags { ns, arn, tags }))?;
        }
        for (arn, p) in &store.policies {
            let (ns, arn) = (ns.clone(), arn.clone());
            let (document, revision) = (p.document.clone(), p.revision.clone());
            let policy = Frame::Policy {
                ns,
                arn,
                document,
                revision,
            };
            put(&mut out, &json(&policy))?;
        }
    }
    for (ns, token, done) in tokens {
        let (ns, token, done) = (ns.clone(), token.clone(), done.clone());
        put(&mut out, &json(&Frame::Token { ns, token, done }))?;
    }
    put(&mut out, &json(&Frame::End))?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Writes `items` with `put`, each an `ITEM` payload built in `scratch`.
fn put_items(
    put: &mut impl FnMut(&mut BufWriter<File>, &[u8]) -> io::Result<()>,
    out: &mut BufWriter<File>,
    items: &imbl::OrdSet<Keyed>,
    scratch: &mut Vec<u8>,
) -> io::Result<()> {
    for stored in items.iter() {
        scratch.clear();
        scratch.push(ITEM);
        scratch.extend_from_slice(stored.bytes());
        put(out, scratch)?;
    }
    Ok(())
}

/// A table or backup being loaded: its items go in as they are read (before the stream is
/// attached, so loading records nothing), then its TTL attribute and stream ARN are set.
struct Loading {
    build: crate::store::TableBuild,
    ttl: Option<String>,
    stream: Option<String>,
    /// A backup's ARN, name and creation time; `None` for a table.
    backup: Option<(String, String, i64)>,
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
    Item(Item, Keyed),
    /// Boxed: items are most frames and far smaller.
    Frame(Box<Frame>),
}

fn load_checkpoint(path: &Path, clock: &Arc<Clock>) -> io::Result<(Snapshot, Tokens)> {
    let mut tokens = Vec::new();
    let mut stores: BTreeMap<NamespaceKey, LoadingStore> = BTreeMap::new();
    // The table the next items belong to: its namespace's last.
    let mut current: Option<NamespaceKey> = None;
    let mut ended = false;
    let mut first = true;
    // The key schema of the last table frame read, for the items that follow it.
    let mut key: Option<crate::model::KeySchema> = None;
    let prepare = |path: &Path, offset: u64, bytes: &[u8]| {
        let (kind, p) = payload(path, offset, bytes)?;
        match kind {
            ITEM => {
                let checked = p.item()?;
                let slot = key
                    .as_ref()
                    .and_then(|key| Some(Slot::new(&key.key_of(&checked.item)?)));
                let slot = slot.ok_or_else(|| bad(path, "an item outside a table or without its key"))?;
                let keyed = Keyed::restored(slot.bytes(), &checked);
                Ok(Loaded::Item(checked.item, keyed))
            }
            JSON => {
                let frame = p.json()?;
                if let Frame::Table { def, .. } | Frame::Backup { def, .. } = &frame {
                    key = Some(def.key.clone());
                }
                Ok(Loaded::Frame(Box::new(frame)))
            }
            _ => Err(p.error(0, format_args!("an unknown frame kind {kind}"))),
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
            (true, Frame::Header { version }) if version == u32::from(VERSION) => {}
            (true, _) | (_, Frame::Header { .. }) => return Err(bad(path, "unsupported checkpoint version")),
            (_, Frame::Table { ns, def, ttl, stream }) => {
                let build = crate::store::TableBuild::new(*def);
                stores.entry(ns.clone()).or_default().tables.push(Loading {
                    build,
                    ttl,
                    stream,
                    backup: None,
                });
                current = Some(ns);
            }
            (
                _,
                Frame::Backup {
                    ns,
                    arn,
                    name,
                    created_millis,
                    def,
                    ttl,
                },
            ) => {
                let build = crate::store::TableBuild::new(*def);
                let backup = Some((arn, name, created_millis));
                let loading = Loading {
                    build,
                    ttl,
                    stream: None,
                    backup,
                };
                stores.entry(ns.clone()).or_default().tables.push(loading);
                current = Some(ns);
            }
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
            (_, Frame::Token { ns, token, done }) => tokens.push((ns, token, done)),
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
            let (mut built, mut backups) = (Vec::new(), BTreeMap::new());
            for Loading {
                build,
                ttl,
                stream,
                backup,
            } in tables
            {
                match backup {
                    None => {
                        let (def, mut data) = build.finish(ttl);
                        data.stream = stream.and_then(|arn| streams.get(&arn).cloned());
                        built.push((def, data));
                    }
                    Some((arn, name, created_millis)) => {
                        let (def, data) = build.finish(None);
                        let backup = Backup {
                            arn: arn.clone(),
                            name,
                            created_millis,
                            def,
                            ttl,
                            data,
                        };
                        backups.insert(arn, Arc::new(backup));
                    }
                }
            }
            (
                ns,
                StoreSnapshot {
                    tables: built,
                    streams,
                    tags,
                    policies,
                    backups,
                },
            )
        })
        .collect();
    Ok((Snapshot { stores }, tokens))
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

    #[test]
    fn backups_survive_with_their_items_and_restore_after_a_reopen() {
        let dir = dir("backups");
        let arn = {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
            put(&engine, "b", "x");
            let ttl =
                json!({"TableName": "things", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}});
            call(&engine, "UpdateTimeToLive", ttl);
            let made = call(
                &engine,
                "CreateBackup",
                json!({"TableName": "things", "BackupName": "nightly"}),
            );
            put(&engine, "c", "x");
            call(&engine, "DeleteTable", json!({"TableName": "things"}));
            made["BackupDetails"]["BackupArn"].as_str().unwrap().to_string()
        };
        let engine = open(&dir).unwrap();
        let described = call(&engine, "DescribeBackup", json!({"BackupArn": arn}));
        let description = &described["BackupDescription"];
        assert_eq!(description["BackupDetails"]["BackupName"], "nightly");
        assert_eq!(description["SourceTableDetails"]["ItemCount"], 2);
        assert_eq!(
            description["SourceTableFeatureDetails"]["TimeToLiveDescription"],
            json!({"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        );
        call(
            &engine,
            "RestoreTableFromBackup",
            json!({"TargetTableName": "things", "BackupArn": arn}),
        );
        assert_eq!(
            contents(&engine),
            (vec!["a".into(), "b".into()], vec!["a".into(), "b".into()])
        );
    }

    fn call(engine: &Engine, op: &str, body: Value) -> Value {
        call_in(engine, "us-east-1", op, body)
    }

    /// `call`, signed for `region` (so working in that region's namespace).
    fn call_in(engine: &Engine, region: &str, op: &str, body: Value) -> Value {
        let (status, out) = answer(engine, region, op, body);
        assert_eq!(status, 200, "{op} in {region}: {out}");
        out
    }

    /// The status and body of a request signed for `region`.
    fn answer(engine: &Engine, region: &str, op: &str, body: Value) -> (u16, Value) {
        let mut req = request(op, &body);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=test/20260101/{region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
        );
        req.headers_mut().insert("authorization", auth.parse().unwrap());
        let res = engine.handle(&req);
        let out = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
        (res.status().as_u16(), out)
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
            let def = def_of(&engine, "things");
            for pk in ["b", "c"] {
                log_put(&engine, &def, 1 << 40, Item::from_iter([("pk".to_string(), s(pk))]));
            }
        }
        let engine = open(&dir).unwrap();
        assert_eq!(contents(&engine), (vec!["a".into()], vec!["a".into()]));
    }

    fn s(text: &str) -> crate::model::AttributeValue {
        crate::model::AttributeValue::S(text.into())
    }

    fn us_east() -> NamespaceKey {
        ("000000000000".into(), "us-east-1".into())
    }

    /// The definition of table `name` as the engine holds it now.
    fn def_of(engine: &Engine, name: &str) -> TableDef {
        let snapshot = engine.snapshot();
        let tables = &snapshot.stores[&us_east()].tables;
        tables.iter().find(|(def, _)| def.name == name).unwrap().0.clone()
    }

    /// Logs and syncs a put of `item` into the table `def` in `group`, as the store would.
    fn log_put(engine: &Engine, def: &TableDef, group: u64, item: Item) {
        let wal = engine.durable.clone().unwrap();
        let at = wal.append(put_payload(&us_east(), def, group, &Stored::new(&item)));
        wal.sync(at).unwrap();
    }

    #[test]
    fn a_put_into_a_table_made_again_under_its_name_is_not_replayed() {
        let dir = dir("remade");
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
            // The table was deleted and made again with another key while the deletion's
            // checkpoint was being written; a put into the new table committed, then the kill
            // lost that checkpoint: the log follows the older one, which has the old table.
            let mut remade = def_of(&engine, "things");
            remade.table_id = "another-table".into();
            remade.key.hash[0].name = "id".into();
            log_put(&engine, &remade, 1 << 40, Item::from_iter([("id".to_string(), s("z"))]));
            let wal = engine.durable.clone().unwrap();
            let at = wal.append(json(&Record::Commit { group: 1 << 40 }));
            wal.sync(at).unwrap();
        }
        let engine = open(&dir).unwrap();
        assert_eq!(contents(&engine), (vec!["a".into()], vec!["a".into()]));
    }

    #[test]
    fn a_client_request_token_is_answered_alike_after_restarts() {
        let dir = dir("tokens");
        let transaction = |token: &str, by: &str| {
            json!({"ClientRequestToken": token, "ReturnConsumedCapacity": "TOTAL", "TransactItems": [{"Update": {
                "TableName": "things", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "ADD n :by",
                "ExpressionAttributeValues": {":by": {"N": by}}}}]})
        };
        let n = |engine: &Engine| {
            let got = call(
                engine,
                "GetItem",
                json!({"TableName": "things", "Key": {"pk": {"S": "a"}}}),
            );
            got["Item"]["n"]["N"].as_str().unwrap().to_string()
        };
        let first = {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
            call(&engine, "TransactWriteItems", transaction("t1", "10"))
        };
        // A transactional write's 2 units; the KEYS_ONLY index's copy is unchanged, so uncharged.
        let units =
            |kind: &str| json!({"ConsumedCapacity": [{"TableName": "things", "CapacityUnits": 2.0, kind: 2.0}]});
        assert_eq!(first, units("WriteCapacityUnits"));
        // First from the log, then (after a tag's checkpoint) from the checkpoint: a replay, which
        // reads the item instead of writing it.
        for reopen in 0..2 {
            let engine = open(&dir).unwrap();
            assert_eq!(
                call(&engine, "TransactWriteItems", transaction("t1", "10")),
                units("ReadCapacityUnits"),
                "{reopen}"
            );
            assert_eq!(n(&engine), "11.5", "{reopen}: the retry applied nothing");
            let (status, err) = answer(&engine, "us-east-1", "TransactWriteItems", transaction("t1", "20"));
            assert_eq!(status, 400);
            assert_eq!(
                err["__type"],
                "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException"
            );
            let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/things";
            let tag = json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]});
            call(&engine, "TagResource", tag);
        }
    }

    #[test]
    fn a_damaged_item_or_an_older_version_is_refused_by_file_and_byte() {
        let dir = dir("damaged");
        {
            let engine = open(&dir).unwrap();
            create(&engine);
            put(&engine, "a", "x");
            let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/things";
            let tag = json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]});
            call(&engine, "TagResource", tag); // the item is in the checkpoint now
        }
        let (checkpoints, _) = generations(&dir.0).unwrap();
        let path = dir.0.join(format!("checkpoint-{}", checkpoints[0]));
        let mut bytes = fs::read(&path).unwrap();
        // The item's frame: its payload is ITEM and then the stored item, whose first attribute
        // (`g`) starts after the size, the count and the name; its value's tag goes bad and the
        // frame's checksum is made to match (a hostile file, not a torn write).
        let item = Stored::new(&Item::from_iter([
            ("pk".to_string(), s("a")),
            ("g".to_string(), s("x")),
            (
                "n".to_string(),
                crate::model::AttributeValue::N(crate::model::Number::parse("1.5").unwrap()),
            ),
        ]));
        let mut payload = vec![ITEM];
        payload.extend_from_slice(item.bytes());
        let at = bytes.windows(payload.len()).position(|w| w == payload).unwrap();
        let tag = at + 1 + 2 + 2;
        assert_eq!(bytes[tag], 1, "the tag of S");
        bytes[tag] = 99;
        let crc = crc32fast::hash(&bytes[at..at + payload.len()]).to_le_bytes();
        bytes[at - 4..at].copy_from_slice(&crc);
        fs::write(&path, &bytes).unwrap();
        let err = open(&dir).err().unwrap().to_string();
        assert_eq!(
            err,
            format!(
                "{}: undecodable record at byte {tag}: a damaged item: an unknown value tag",
                path.display()
            )
        );
        // A directory an older version wrote.
        bytes[..8].copy_from_slice(b"DDBEMUC1");
        fs::write(&path, &bytes).unwrap();
        let err = open(&dir).err().unwrap().to_string();
        assert_eq!(
            err,
            format!("{}: database format version 1 (an older dynamodb-emulator's); this one reads version 2 only: start with an empty --db-path directory", path.display())
        );
    }

    #[test]
    fn a_failed_log_write_acknowledges_nothing_after_it() {
        let dir = dir("failed");
        let engine = open(&dir).unwrap();
        create(&engine);
        put(&engine, "a", "x");
        // The disk refuses the next write (a read-only handle stands in for a full disk).
        let wal = engine.durable.clone().unwrap();
        *wal.file.lock() = Some(File::open(wal_path(&dir)).unwrap());
        let body = json!({"TableName": "things", "Item": {"pk": {"S": "b"}}});
        let put_b = || answer(&engine, "us-east-1", "PutItem", body.clone()).0;
        assert_eq!([put_b(), put_b()], [500, 500]);
        // Writable again: still nothing is acknowledged, since what the failed write held is lost.
        *wal.file.lock() = Some(fs::OpenOptions::new().append(true).open(wal_path(&dir)).unwrap());
        assert_eq!(put_b(), 500);
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
            let slot = Slot::new(&def.key.key_of(&item).unwrap());
            assert!(build.push(&item, Keyed::new(slot.bytes(), &item)));
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
        let mut frames = vec![
            json(&Frame::Header { version: 2 }),
            json(&Frame::Table {
                ns,
                def: Box::new(def),
                ttl,
                stream,
            }),
        ];
        // The first two items, swapped.
        let mut items = data.items.iter().take(2).map(|i| [&[ITEM][..], i.bytes()].concat());
        let (first, second) = (items.next().unwrap(), items.next().unwrap());
        frames.extend([second, first, json(&Frame::End)]);
        for f in &frames {
            frame(f, &mut bytes);
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
