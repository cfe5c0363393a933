//! The HTTP server (hyper, HTTP/1.1) and the [`Emulator`] handle tests hold.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::clock::Clock;
use crate::engine::Engine;
use crate::pool::Pool;
use crate::transport;

/// How long a connection may stall before it is closed, so half-sent requests and forgotten
/// keep-alive connections cannot hold descriptors for good. The defaults (30 s each) never hurt
/// an SDK: it sends a request at once, and reconnects transparently when an idle connection was
/// closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// For a request's headers, and for a keep-alive connection idle between requests (hyper
    /// runs one timer for both).
    pub header: Duration,
    /// For a request's body once its headers arrived (16 MB on loopback takes milliseconds).
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            header: Duration::from_secs(30),
            body: Duration::from_secs(30),
        }
    }
}

/// Pause after a failed `accept` that is not about one connection (out of file descriptors):
/// the loop neither dies nor spins, and descriptors come back as idle connections time out.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How often the background TTL sweeper runs by default.
pub const DEFAULT_TTL_SWEEP_INTERVAL: Duration = Duration::from_millis(1000);

/// A running emulator. Cloning shares it; dropping the last clone shuts the server down.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Arc<Engine>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    /// Stops the background TTL sweeper when the emulator goes away.
    _sweeper: Option<Sweeper>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Options for [`Emulator::builder`].
pub struct Builder {
    host: String,
    port: u16,
    clock: Clock,
    ttl_sweep_interval: Duration,
    item_collection_limit: Option<usize>,
    #[cfg(feature = "faults")]
    fault: Option<crate::fault::Fault>,
    credentials: Option<crate::credentials::Credentials>,
    control_token: Option<String>,
    log_requests: bool,
    shared_db: bool,
    transient_delay: Duration,
    seeds: Vec<std::path::PathBuf>,
    chaos: Option<crate::chaos::Plan>,
    db_path: Option<std::path::PathBuf>,
    timeouts: Timeouts,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            host: "127.0.0.1".into(),
            port: 0,
            clock: Clock::System,
            ttl_sweep_interval: DEFAULT_TTL_SWEEP_INTERVAL,
            item_collection_limit: None,
            #[cfg(feature = "faults")]
            fault: None,
            credentials: None,
            control_token: None,
            log_requests: false,
            shared_db: false,
            transient_delay: Duration::ZERO,
            seeds: Vec::new(),
            chaos: None,
            db_path: None,
            timeouts: Timeouts::default(),
        }
    }
}

impl Builder {
    /// Address to bind (default `127.0.0.1`; `0.0.0.0` serves other machines or containers).
    pub fn host(mut self, host: impl Into<String>) -> Builder {
        self.host = host.into();
        self
    }

    /// Port to bind; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Builder {
        self.port = port;
        self
    }

    /// Use a clock that moves only through [`Emulator::advance`]. Nothing then expires in the
    /// background: TTL deletes happen only when the test calls [`Emulator::sweep_expired`].
    pub fn manual_clock(mut self, start: SystemTime) -> Builder {
        self.clock = Clock::manual(start);
        self
    }

    /// How often expired items are deleted in the background on the system clock (default 1 s);
    /// `Duration::ZERO` turns background deletion off.
    pub fn ttl_sweep_interval(mut self, every: Duration) -> Builder {
        self.ttl_sweep_interval = every;
        self
    }

    /// Lowers the item-collection limit (10 GB in DynamoDB) so tests can reach
    /// ItemCollectionSizeLimitExceededException with a few items.
    pub fn item_collection_limit(mut self, bytes: usize) -> Builder {
        self.item_collection_limit = Some(bytes);
        self
    }

    /// Test-only: makes the emulator deviate from DynamoDB on purpose (see [`crate::Fault`]), so a
    /// test can prove that a conformance suite catches a broken server. Off by default; only with
    /// the `faults` feature.
    #[cfg(feature = "faults")]
    pub fn fault(mut self, fault: crate::fault::Fault) -> Builder {
        self.fault = Some(fault);
        self
    }

    /// Verifies every request's SigV4 signature against these access keys, answering as DynamoDB
    /// does a wrong secret, an unknown key or a clock more than 15 minutes off. Off by default:
    /// then any credentials work. ([`Emulator::client`] signs with `test`/`test`.)
    pub fn credentials(mut self, credentials: crate::credentials::Credentials) -> Builder {
        self.credentials = Some(credentials);
        self
    }

    /// The token `/_emulator/` controls require (`Authorization: Bearer <token>`). Without it, an
    /// emulator bound to a non-loopback address makes one up ([`Emulator::control_token`]).
    pub fn control_token(mut self, token: impl Into<String>) -> Builder {
        self.control_token = Some(token.into());
        self
    }

    /// Logs one line per request at info level through `tracing` (operation, table, status, error
    /// type, latency; target [`REQUEST_LOG_TARGET`](crate::REQUEST_LOG_TARGET)), to see
    /// what a test sent and got. Off by default.
    pub fn log_requests(mut self, on: bool) -> Builder {
        self.log_requests = on;
        self
    }

    /// Puts every account and region in one namespace, as DynamoDB Local's `-sharedDb` does. Off
    /// by default: tables live per account and region, as on AWS, so a table created through
    /// `us-east-2` is not found through `us-east-1` (ResourceNotFoundException).
    pub fn shared_db(mut self, on: bool) -> Builder {
        self.shared_db = on;
        self
    }

    /// Keeps new tables CREATING, updated ones UPDATING, deleted ones DELETING and new global
    /// secondary indexes CREATING (backfilling) for `delay` on the emulator's clock, answering
    /// meanwhile as DynamoDB does, so code that must wait for ACTIVE is exercised. With a manual
    /// clock the states change only as the test advances it. Off (zero) by default; seeded
    /// tables are ACTIVE from the start.
    pub fn delay_transient_statuses(mut self, delay: Duration) -> Builder {
        self.transient_delay = delay;
        self
    }

    /// Loads a seed file at start (repeatable; files load in order): see [`Engine::seed`] for the
    /// formats. [`start`](Self::start) fails with the file and entry a seed was refused at.
    pub fn seed(mut self, path: impl Into<std::path::PathBuf>) -> Builder {
        self.seeds.push(path.into());
        self
    }

    /// Answers as DynamoDB does under load or failure, as the plan says (see [`crate::chaos`]):
    /// throttling, server errors, partial batches, transaction conflicts, added latency. The
    /// plan applies to the test's requests, not to seed files; change it at run time through
    /// [`Emulator::chaos`].
    pub fn chaos(mut self, plan: crate::chaos::Plan) -> Builder {
        self.chaos = Some(plan);
        self
    }

    /// Durable mode: keep the state in the directory `dir` (created if missing) and recover it from
    /// there at start, so every acknowledged change survives the process ([`Engine::open_db`]).
    /// Seeds load after the recovered state.
    pub fn db_path(mut self, dir: impl Into<std::path::PathBuf>) -> Builder {
        self.db_path = Some(dir.into());
        self
    }

    /// How long a connection may stall over a request's headers (or sit idle between requests)
    /// and over its body before it is closed; see [`Timeouts`] for the defaults.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Builder {
        self.timeouts = timeouts;
        self
    }

    /// Binds and starts serving in the background of the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let mut engine = Engine::new(self.clock);
        if let Some(limit) = self.item_collection_limit {
            engine.item_collection_limit = limit;
        }
        engine.log_requests = self.log_requests;
        engine.shared_db = self.shared_db;
        if let Some(dir) = &self.db_path {
            engine.open_db(dir)?;
        }
        for seed in &self.seeds {
            engine.seed(seed)?;
        }
        // After the seeds: a fixture's tables are ACTIVE from the start.
        engine.transient_delay = self.transient_delay;
        // Faults are for the test's requests, not for loading its fixture.
        #[cfg(feature = "faults")]
        {
            engine.fault = self.fault;
        }
        if let Some(plan) = self.chaos {
            engine.chaos.set(plan);
        }
        let listener = TcpListener::bind((self.host.as_str(), self.port)).await?;
        let addr = listener.local_addr()?;
        engine.credentials = self.credentials;
        engine.control_token = control_token_for(addr, self.control_token);
        let engine = Arc::new(engine);
        let (tx, rx) = oneshot::channel();
        tokio::spawn(serve(listener, engine.clone(), self.timeouts, async {
            let _ = rx.await;
        }));
        let sweeper = Sweeper::start(&engine, self.ttl_sweep_interval);
        Ok(Emulator {
            inner: Arc::new(Inner {
                engine,
                addr,
                shutdown: Some(tx),
                _sweeper: sweeper,
            }),
        })
    }
}

/// The control token for an emulator bound to `addr`: the one `given`, else a new random one when
/// the address is reachable from other machines (anyone there could otherwise move its clock or
/// delete its items), else none.
pub fn control_token_for(addr: SocketAddr, given: Option<String>) -> Option<String> {
    given.or_else(|| (!addr.ip().is_loopback()).then(crate::protocol::control::new_token))
}

impl Emulator {
    /// Starts an in-memory emulator on 127.0.0.1 and a free port.
    pub async fn start() -> std::io::Result<Emulator> {
        Builder::default().start().await
    }

    /// Options before starting: port, clock, TTL sweeps, limits.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The bound socket address (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `http://HOST:PORT`, for SDKs and tools in other processes.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// A copy of the whole state (tables, items, indexes, TTL, streams, tags, policies) in O(tables)
    /// time; see [`Engine::snapshot`]. Build a fixture once, snapshot it, and [`restore`](Self::restore)
    /// before each test.
    pub fn snapshot(&self) -> crate::store::Snapshot {
        self.inner.engine.snapshot()
    }

    /// Puts back the state of `snapshot`; see [`Engine::restore`].
    pub fn restore(&self, snapshot: &crate::store::Snapshot) {
        self.inner.engine.restore(snapshot)
    }

    /// Empties the emulator: no tables, streams, tags or policies.
    pub fn reset(&self) {
        self.inner.engine.reset()
    }

    /// An SDK client whose requests go straight into the engine: no socket involved.
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        transport::in_process_client(self.inner.engine.clone())
    }

    /// A DynamoDB Streams SDK client whose requests go straight into the engine.
    pub fn streams_client(&self) -> aws_sdk_dynamodbstreams::Client {
        transport::in_process_streams_client(self.inner.engine.clone())
    }

    /// An SDK client that talks to this emulator over its TCP socket.
    pub fn http_client(&self) -> aws_sdk_dynamodb::Client {
        transport::socket_client(&self.endpoint_url())
    }

    /// The token its `/_emulator/` controls require, if any (see [`Builder::control_token`]).
    pub fn control_token(&self) -> Option<&str> {
        self.inner.engine.control_token()
    }

    /// The engine behind this emulator, to drive it without HTTP.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The chaos plan's controls: set or replace a plan, clear it, read its seed and counts.
    pub fn chaos(&self) -> &crate::chaos::Chaos {
        self.inner.engine.chaos()
    }

    /// Moves a manual clock forward; returns `false`, not moving, on the system clock or for a
    /// move past the end of the year 9999.
    pub fn advance(&self, by: Duration) -> bool {
        self.inner.engine.clock.advance(by)
    }

    /// Deletes, now, every item whose Time to Live has passed by the emulator's clock, and returns
    /// how many. With a manual clock this is the only way items expire.
    pub fn sweep_expired(&self) -> usize {
        self.inner.engine.sweep_expired()
    }
}

/// The background TTL sweeper: a task on the current tokio runtime that deletes expired items at
/// a fixed interval. Dropping the handle stops it.
pub struct Sweeper {
    task: tokio::task::JoinHandle<()>,
}

impl Sweeper {
    /// Starts sweeping `engine` every `every`; `None` when there is nothing to do (a manual
    /// clock, or a zero interval).
    pub fn start(engine: &Arc<Engine>, every: Duration) -> Option<Sweeper> {
        if every.is_zero() || !matches!(*engine.clock, Clock::System) {
            return None;
        }
        // A weak handle: the sweeper alone never keeps an engine alive.
        let engine = Arc::downgrade(engine);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(engine) = engine.upgrade() else {
                    return;
                };
                engine.sweep_expired();
            }
        });
        Some(Sweeper { task })
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves DynamoDB requests on `listener` until `shutdown` completes, then lets the open
/// connections finish their requests. Requests not run inline go to engine threads of its own
/// (two per core, at least four; `pool.rs`), which exit when this returns.
pub async fn serve(
    listener: TcpListener,
    engine: Arc<Engine>,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pool = Arc::new(Pool::new(Pool::default_size()));
    serve_on(listener, engine, timeouts, pool, shutdown).await
}

/// [`serve`] with the engine threads given.
async fn serve_on(
    listener: TcpListener,
    engine: Arc<Engine>,
    timeouts: Timeouts,
    pool: Arc<Pool>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(timeouts.header);
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    if !is_connection_error(&e) {
                        tracing::warn!(error = %e, "accept failed; retrying");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let (engine, pool) = (engine.clone(), pool.clone());
        // An IPv4 client of a dual-stack socket shows as `::ffff:a.b.c.d`; IAM sees `a.b.c.d`.
        let peer = peer.ip().to_canonical();
        let service = service_fn(move |req: http::Request<Incoming>| {
            handle(engine.clone(), pool.clone(), timeouts.body, peer, req)
        });
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(connection);
    }
    connections.shutdown().await;
    Ok(())
}

/// Errors of one incoming connection (it went away before we took it); the next accept may work.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

/// Reads the body (bounded in size and time), then runs the engine: a request cheap by
/// construction ([`runs_inline`](crate::protocol::frontend::runs_inline)) right here, anything
/// else on the engine threads, as it may take a while (a long Scan, a large set) and must not
/// hold an async worker that other connections and the accept loop share. An inline request that
/// meets a busy table or too many rows gives up unchanged (`protocol::Yielded`) and goes to the
/// engine threads too.
async fn handle(
    engine: Arc<Engine>,
    pool: Arc<Pool>,
    body_timeout: Duration,
    peer: std::net::IpAddr,
    req: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let read = Limited::new(body, crate::protocol::frontend::MAX_BODY_BYTES).collect();
    let bytes = match tokio::time::timeout(body_timeout, read).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(_)) => return Ok(refusal(http::StatusCode::PAYLOAD_TOO_LARGE)),
        Err(_) => return Ok(refusal(http::StatusCode::REQUEST_TIMEOUT)),
    };
    let inline = crate::protocol::frontend::runs_inline(&parts.headers, bytes.len(), engine.durable.is_some());
    let req = http::Request::from_parts(parts, bytes);
    let via = move |inline| crate::protocol::Via {
        peer: Some(peer),
        inline,
    };
    let mut res = None;
    if inline {
        res = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.handle_via(&req, via(true)))) {
            Ok(res) if res.extensions().get::<crate::protocol::Yielded>().is_some() => None,
            Ok(res) => Some(res),
            Err(_) => Some(crate::protocol::internal_error()),
        };
    }
    let res = match res {
        Some(res) => res,
        None => {
            let answer = pool.run(move || engine.handle_via(&req, via(false))).await;
            answer.unwrap_or_else(crate::protocol::internal_error)
        }
    };
    if let Some(crate::chaos::Latency(latency)) = res.extensions().get().copied() {
        tokio::time::sleep(latency).await;
    }
    Ok(res.map(Full::new))
}

/// An empty answer that also closes the connection (its body may still be arriving).
fn refusal(status: http::StatusCode) -> http::Response<Full<Bytes>> {
    let mut res = http::Response::new(Full::default());
    *res.status_mut() = status;
    res.headers_mut()
        .insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sweeper_runs_only_on_the_system_clock_and_stops_when_dropped() {
        let engine = Arc::new(Engine::new(Clock::System));
        assert!(Sweeper::start(&engine, Duration::ZERO).is_none());
        let manual = Arc::new(Engine::new(Clock::manual(SystemTime::now())));
        assert!(Sweeper::start(&manual, Duration::from_millis(1)).is_none());

        let sweeper = Sweeper::start(&engine, Duration::from_millis(1)).unwrap();
        let task = sweeper.task.abort_handle();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!task.is_finished());
        drop(sweeper);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(task.is_finished());
    }

    /// A server on a runtime of `workers` async workers and the engine threads `pool`, serving
    /// an engine in one namespace (`shared_db`) with the table `tbl` (`pk` and a number `sk`),
    /// and a client on a runtime of its own.
    fn serving(
        workers: usize,
        pool: &Arc<Pool>,
    ) -> (
        tokio::runtime::Runtime,
        tokio::runtime::Runtime,
        Arc<Engine>,
        aws_sdk_dynamodb::Client,
    ) {
        use aws_sdk_dynamodb::types::{AttributeDefinition, KeySchemaElement, KeyType, ScalarAttributeType};
        let server = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .unwrap();
        let listener = server.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let mut engine = Engine::new(Clock::System);
        engine.shared_db = true;
        let engine = Arc::new(engine);
        let serve = serve_on(
            listener,
            engine.clone(),
            Timeouts::default(),
            pool.clone(),
            std::future::pending(),
        );
        server.spawn(serve);
        let client_side = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = transport::socket_client(&endpoint);
        let attribute = |name: &str, kind| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(kind)
                .build()
        };
        let key = |name: &str, kind| KeySchemaElement::builder().attribute_name(name).key_type(kind).build();
        let create = client
            .create_table()
            .table_name("tbl")
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .attribute_definitions(attribute("pk", ScalarAttributeType::S).unwrap())
            .attribute_definitions(attribute("sk", ScalarAttributeType::N).unwrap())
            .key_schema(key("pk", KeyType::Hash).unwrap())
            .key_schema(key("sk", KeyType::Range).unwrap());
        client_side.block_on(create.send()).unwrap();
        (server, client_side, engine, client)
    }

    /// Puts items `0..n` into partition `pk` of `tbl`, each with a string of `pad` bytes.
    async fn fill(client: &aws_sdk_dynamodb::Client, pk: &str, n: usize, pad: usize) {
        use aws_sdk_dynamodb::types::AttributeValue;
        for i in 0..n {
            let put = client
                .put_item()
                .table_name("tbl")
                .item("pk", AttributeValue::S(pk.into()))
                .item("sk", AttributeValue::N(i.to_string()))
                .item("pad", AttributeValue::S("x".repeat(pad)));
            put.send().await.unwrap();
        }
    }

    /// Point operations and reads of few rows (Query, Scan, BatchGetItem, PartiQL's SELECT)
    /// answer while every engine thread is busy, and one of more rows or bytes than an inline
    /// read may take waits for one: the server runs
    /// requests cheap by construction on the async worker that read it, a read only up to
    /// `ops::read::INLINE_ROWS` rows and `INLINE_BYTES` (then it starts again on the pool), and everything else on
    /// the pool (`protocol::frontend::runs_inline`; ARCHITECTURE.md, "Why these choices"). The
    /// pool has a single thread, which the test holds until the quick requests have answered.
    #[test]
    fn point_operations_and_short_reads_answer_while_the_engine_threads_are_busy() {
        use crate::ops::read::{INLINE_BYTES, INLINE_ROWS};
        use aws_sdk_dynamodb::types::AttributeValue;
        let pool = Arc::new(Pool::new(1));
        let (_server, client_side, _engine, client) = serving(2, &pool);
        let big = INLINE_ROWS + 1;
        client_side.block_on(async {
            fill(&client, "small", 10, 1).await;
            fill(&client, "big", big, 1).await;
            fill(&client, "wide", 2, INLINE_BYTES / 2).await;
        });
        let (release, held) = std::sync::mpsc::channel::<()>();
        let busy = pool.run(move || held.recv_timeout(Duration::from_secs(30)).is_ok());
        let query = |pk: &str| {
            let values = std::collections::HashMap::from([(":p".to_string(), AttributeValue::S(pk.into()))]);
            let query = client.query().table_name("tbl").key_condition_expression("pk = :p");
            query.set_expression_attribute_values(Some(values)).send()
        };
        let sks = |items: &[std::collections::HashMap<String, AttributeValue>]| -> Vec<String> {
            items.iter().map(|item| item["sk"].as_n().unwrap().clone()).collect()
        };
        let batch_get = |pk: &str, n: usize| {
            let key = |i: usize| {
                std::collections::HashMap::from([
                    ("pk".to_string(), AttributeValue::S(pk.into())),
                    ("sk".to_string(), AttributeValue::N(i.to_string())),
                ])
            };
            let keys = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                .set_keys(Some((0..n).map(key).collect()))
                .build()
                .unwrap();
            client.batch_get_item().request_items("tbl", keys).send()
        };
        // Listed partitions are read as such (one holds nothing), so a SELECT of ten rows stays
        // within an inline read's budget where a scan of the table would not.
        let select = |pk: &str| {
            let statement = client
                .execute_statement()
                .statement("SELECT * FROM tbl WHERE pk IN [?, 'none']");
            statement.parameters(AttributeValue::S(pk.into())).send()
        };
        let batch_sks = |out: aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput| {
            let mut got = sks(&out.responses().unwrap()["tbl"]);
            got.sort_by_key(|n| n.parse::<usize>().unwrap());
            got
        };
        client_side.block_on(async {
            let quick = async {
                let get = client
                    .get_item()
                    .table_name("tbl")
                    .key("pk", AttributeValue::S("big".into()))
                    .key("sk", AttributeValue::N("7".into()));
                let got = get.send().await.unwrap();
                let small = query("small").await.unwrap();
                let scan = client.scan().table_name("tbl").limit(1).send().await.unwrap();
                let batch = batch_get("small", 10).await.unwrap();
                let selected = select("small").await.unwrap();
                (got, small, scan, batch, selected)
            };
            let quick = tokio::time::timeout(Duration::from_secs(5), quick).await;
            let (long, wide) = (tokio::spawn(query("big")), tokio::spawn(query("wide")));
            let (wide_batch, long_select) = (tokio::spawn(batch_get("wide", 2)), tokio::spawn(select("big")));
            tokio::time::sleep(Duration::from_millis(300)).await;
            let (long_waited, wide_waited) = (!long.is_finished(), !wide.is_finished());
            let (wide_batch_waited, long_select_waited) = (!wide_batch.is_finished(), !long_select.is_finished());
            release.send(()).unwrap();
            let (got, small, scan, batch, selected) =
                quick.expect("quick requests answered while the engine threads were busy");
            assert_eq!(
                got.item().map(|item| item["sk"].clone()),
                Some(AttributeValue::N("7".into()))
            );
            let ten: Vec<String> = (0..10).map(|i| i.to_string()).collect();
            assert_eq!(sks(small.items()), ten);
            assert_eq!(scan.count(), 1);
            assert_eq!(batch_sks(batch), ten);
            assert_eq!(sks(selected.items()), ten);
            assert!(
                wide_batch_waited,
                "a BatchGetItem of over {INLINE_BYTES} bytes ran without an engine thread"
            );
            assert!(
                long_select_waited,
                "a SELECT of {big} rows ran without an engine thread"
            );
            assert_eq!(batch_sks(wide_batch.await.unwrap().unwrap()), ["0", "1"]);
            assert_eq!(long_select.await.unwrap().unwrap().items().len(), big);
            assert!(long_waited, "a Query of {big} rows ran without an engine thread");
            assert!(
                wide_waited,
                "a Query of over {INLINE_BYTES} bytes ran without an engine thread"
            );
            assert_eq!(sks(wide.await.unwrap().unwrap().items()), ["0", "1"]);
            let long = long.await.unwrap().unwrap();
            let all: Vec<String> = (0..big).map(|i| i.to_string()).collect();
            let mut got = sks(long.items());
            got.sort_by_key(|n| n.parse::<usize>().unwrap());
            assert_eq!(got, all);
        });
        assert_eq!(client_side.block_on(busy), Some(true));
    }

    /// An inline request never waits for a table lock on the async worker: it goes to the engine
    /// threads instead, so with a single async worker and `tbl` locked by other work, ListTables
    /// still answers. (Waiting there would hold the only worker.)
    #[test]
    fn inline_requests_leave_a_locked_table_to_the_engine_threads() {
        use aws_sdk_dynamodb::types::AttributeValue;
        let pool = Arc::new(Pool::new(3));
        let (_server, client_side, engine, client) = serving(1, &pool);
        client_side.block_on(fill(&client, "a", 1, 1));
        let table = engine.namespace("", "").store.table("tbl").unwrap();
        let locked = table.state.write();
        client_side.block_on(async {
            let key = |pk: &str| {
                [
                    ("pk", AttributeValue::S(pk.into())),
                    ("sk", AttributeValue::N("0".into())),
                ]
            };
            let get = tokio::spawn(
                client
                    .get_item()
                    .table_name("tbl")
                    .set_key(Some(key("a").map(|(k, v)| (k.to_string(), v)).into()))
                    .send(),
            );
            let put = tokio::spawn(
                client
                    .put_item()
                    .table_name("tbl")
                    .set_item(Some(key("b").map(|(k, v)| (k.to_string(), v)).into()))
                    .send(),
            );
            // Both reach the server first.
            tokio::time::sleep(Duration::from_millis(300)).await;
            let other = tokio::time::timeout(Duration::from_secs(5), client.list_tables().send()).await;
            let waited = !get.is_finished() && !put.is_finished();
            drop(locked);
            let tables = other.expect("ListTables answered while the table was locked").unwrap();
            assert_eq!(tables.table_names(), ["tbl"]);
            assert!(waited, "a request ran on a locked table");
            let got = get.await.unwrap().unwrap();
            assert_eq!(
                got.item().map(|item| item["pk"].clone()),
                Some(AttributeValue::S("a".into()))
            );
            put.await.unwrap().unwrap();
        });
    }
}
