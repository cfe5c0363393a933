//! The load generator of issue #15 (BENCHMARKS.md, "Throughput and memory"): keep-alive HTTP/1.1
//! requests against one or more `dynamodb-emulator` binaries (say, main's and a branch's) and,
//! alternating with them run by run, a trivial hyper server answering `{}` (the ceiling of HTTP on
//! this machine), so every figure is printed as a share of that ceiling measured in the same
//! minute; on a shared machine only figures of one run compare.
//!
//! ```text
//! cargo build --release -p dynamodb-emulator --example loadgen
//! target/release/examples/loadgen load BINARY... [--seconds 3] [--rounds 3] [--port 8191] [--only TEXT] [--tail]
//! target/release/examples/loadgen mem BINARY ITEMS ITEM_BYTES [--gsi] [--port 8191]
//! ```
//!
//! `load` writes 10,000 items of 200 bytes (a GSI with 10 items per partition), then runs GetItem,
//! PutItem, a conditional UpdateItem, a 10-item GSI Query and a 1,000-item Scan page at 16
//! connections and the Scan at 1; every cell, the trivial server's too, gives the median run's p50 / p99 latency
//! and the median CPU time per request. `mem` writes ITEMS items of about ITEM_BYTES bytes and prints the
//! server's resident memory, then twice deletes them all and writes as many under new keys,
//! printing it after each step (memory freed by deletes must serve the next writes). `trivial PORT` is the `{}` server itself (started by `load`).

// A measuring tool fails loudly on what it did not expect: unwrap/expect are its asserts. clippy.toml
// allows them in #[test] functions only, not in the helpers and setup around them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

type Sender = http1::SendRequest<Full<Bytes>>;

const TABLE: &str = "loadgen";
/// Items of the `load` table; the GSI has ten per partition.
const ITEMS: usize = 10_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| v.parse().unwrap_or_else(|_| usage()))
    };
    let port = flag("--port", 8191) as u16;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match args.first().map(String::as_str) {
        Some("trivial") => {
            let multi = tokio::runtime::Runtime::new().unwrap();
            multi.block_on(trivial(
                args.get(1).and_then(|p| p.parse().ok()).unwrap_or_else(|| usage()),
            ));
        }
        Some("load") => {
            let binaries: Vec<String> = args[1..].iter().take_while(|a| !a.starts_with("--")).cloned().collect();
            if binaries.is_empty() {
                usage();
            }
            let seconds = Duration::from_secs(flag("--seconds", 3));
            // `--only TEXT`: the workloads whose name contains TEXT.
            let only = args
                .iter()
                .position(|a| a == "--only")
                .and_then(|i| args.get(i + 1))
                .map_or("", |s| s);
            let tail = args.iter().any(|a| a == "--tail");
            runtime.block_on(load(&binaries, port, seconds, flag("--rounds", 3) as usize, only, tail));
        }
        Some("mem") => {
            let binary = args.get(1).unwrap_or_else(|| usage());
            let count = args.get(2).and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
            let size = args.get(3).and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
            runtime.block_on(mem(binary, port, count, size, args.iter().any(|a| a == "--gsi")));
        }
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: loadgen load BINARY... [--seconds S] [--rounds N] [--port P] [--only TEXT] [--tail] | mem BINARY ITEMS ITEM_BYTES [--gsi] [--port P] | trivial PORT");
    std::process::exit(2)
}

/// The ceiling: hyper answering every request with `{}`, on tokio's multi-threaded runtime as
/// the emulator's server runs.
async fn trivial(port: u16) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|req: hyper::Request<hyper::body::Incoming>| async move {
                let _ = req.into_body().collect().await;
                let answer = hyper::Response::builder()
                    .header("content-type", "application/x-amz-json-1.0")
                    .body(Full::new(Bytes::from_static(b"{}")))
                    .unwrap();
                Ok::<_, Infallible>(answer)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    async fn start(program: &str, args: &[String], port: u16) -> Server {
        let child = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Owned from the start, so the process is killed also when it never listens.
        let server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        for _ in 0..2000 {
            if TcpStream::connect(server.addr).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{program} did not listen on {}", server.addr);
    }

    fn emulator(binary: &str, port: u16) -> impl std::future::Future<Output = Server> + '_ {
        let args = vec!["--port".to_string(), port.to_string()];
        async move { Server::start(binary, &args, port).await }
    }

    /// Resident memory now, from `/proc/PID/status` (Linux).
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kib / 1024.0
    }

    /// CPU time the process used so far, all threads (`/proc/PID/stat` utime + stime, in Linux's
    /// fixed 100 ticks per second): per request, it compares binaries even on a busy machine,
    /// where throughput follows how many runnable threads each one has.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // The fields after the command name, which is in parentheses; utime and stime are the
        // 14th and 15th of the line.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let ticks: Vec<f64> = after.split(' ').skip(11).take(2).map(|f| f.parse().unwrap()).collect();
        (ticks[0] + ticks[1]) / 100.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(addr: SocketAddr) -> Sender {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    sender
}

/// One DynamoDB call; panics on anything but 200 (a benchmark of errors measures nothing).
async fn call(sender: &mut Sender, op: &str, body: String) -> Bytes {
    let req = hyper::Request::post("/")
        .header("host", "127.0.0.1")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("DynamoDB_20120810.{op}"))
        .header("x-amz-date", "20260101T000000Z")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    sender.ready().await.unwrap();
    let answer = sender.send_request(req).await.unwrap();
    let status = answer.status();
    let bytes = answer.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "{op}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

/// An item of about `size` bytes (DynamoDB's item size: names plus values).
fn item(i: usize, size: usize, gsi: bool) -> String {
    let fixed = 2 + 10 + 1 + 3 + 3 + 5 + if gsi { 2 + 5 } else { 0 };
    let pad = "x".repeat(size.saturating_sub(fixed));
    let g = if gsi {
        format!(r#","gk":{{"S":"g{:04}"}}"#, i / 10)
    } else {
        String::new()
    };
    format!(
        r#"{{"pk":{{"S":"item{i:06}"}},"n":{{"N":"{}"}},"pad":{{"S":"{pad}"}}{g}}}"#,
        i % 1000
    )
}

async fn create_table(addr: SocketAddr, gsi: bool) {
    let index = r#","GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"gk","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]"#;
    let body = format!(
        r#"{{"TableName":"{TABLE}","BillingMode":"PAY_PER_REQUEST","KeySchema":[{{"AttributeName":"pk","KeyType":"HASH"}}],"AttributeDefinitions":[{{"AttributeName":"pk","AttributeType":"S"}}{}]{}}}"#,
        if gsi {
            r#",{"AttributeName":"gk","AttributeType":"S"}"#
        } else {
            ""
        },
        if gsi { index } else { "" },
    );
    call(&mut connect(addr).await, "CreateTable", body).await;
}

/// Writes the items numbered `range` of about `size` bytes.
async fn fill(addr: SocketAddr, range: std::ops::Range<usize>, size: usize, gsi: bool) {
    batches(addr, range, move |i| {
        format!(r#"{{"PutRequest":{{"Item":{}}}}}"#, item(i, size, gsi))
    })
    .await;
}

/// Sends `request(i)` for every `i` of `range` in BatchWriteItem calls of 25, over 8 connections.
async fn batches(
    addr: SocketAddr,
    range: std::ops::Range<usize>,
    request: impl Fn(usize) -> String + Send + Sync + 'static,
) {
    let request = std::sync::Arc::new(request);
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (range, request) = (range.clone(), request.clone());
            tokio::spawn(async move {
                let mut sender = connect(addr).await;
                for start in (range.start + w * 25..range.end).step_by(8 * 25) {
                    let writes: Vec<String> = (start..(start + 25).min(range.end)).map(&*request).collect();
                    let body = format!(r#"{{"RequestItems":{{"{TABLE}":[{}]}}}}"#, writes.join(","));
                    let answer = call(&mut sender, "BatchWriteItem", body).await;
                    assert_eq!(&answer[..], br#"{"UnprocessedItems":{}}"#);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
}

/// Resident memory after writing the items, then after each of two rounds of deleting them all
/// and writing as many under new keys: memory that deletes free must serve the next writes, so
/// the refilled figures stay at the first.
async fn mem(binary: &str, port: u16, count: usize, size: usize, gsi: bool) {
    let server = Server::emulator(binary, port).await;
    create_table(server.addr, gsi).await;
    let idle = server.rss_mib();
    fill(server.addr, 0..count, size, gsi).await;
    let full = server.rss_mib();
    println!(
        "{count} items of {size} B{}: resident {full:.0} MiB (idle {idle:.0} MiB), {:.0} bytes per item",
        if gsi { " with a GSI" } else { "" },
        (full - idle) * 1048576.0 / count as f64
    );
    for round in 1..=2 {
        let (old, new) = ((round - 1) * count..round * count, round * count..(round + 1) * count);
        batches(server.addr, old, |i| {
            format!(r#"{{"DeleteRequest":{{"Key":{{"pk":{{"S":"item{i:06}"}}}}}}}}"#)
        })
        .await;
        let emptied = server.rss_mib();
        fill(server.addr, new, size, gsi).await;
        println!(
            "  round {round}: all deleted {emptied:.0} MiB, as many written under new keys {:.0} MiB",
            server.rss_mib()
        );
    }
}

/// A workload: its operation and a request body for a random number.
struct Workload {
    name: &'static str,
    op: &'static str,
    connections: usize,
    body: fn(usize) -> String,
}

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "GetItem",
        op: "GetItem",
        connections: 16,
        body: get,
    },
    Workload {
        name: "PutItem",
        op: "PutItem",
        connections: 16,
        body: put,
    },
    Workload {
        name: "UpdateItem with a condition",
        op: "UpdateItem",
        connections: 16,
        body: update,
    },
    Workload {
        name: "Query on a GSI, 10 items",
        op: "Query",
        connections: 16,
        body: query,
    },
    Workload {
        name: "Scan, pages of 1,000 items",
        op: "Scan",
        connections: 16,
        body: scan,
    },
    Workload {
        name: "Scan, pages of 1,000 items, 1 connection",
        op: "Scan",
        connections: 1,
        body: scan,
    },
];

fn get(i: usize) -> String {
    format!(
        r#"{{"TableName":"{TABLE}","Key":{{"pk":{{"S":"item{:06}"}}}}}}"#,
        i % ITEMS
    )
}

fn put(i: usize) -> String {
    format!(r#"{{"TableName":"{TABLE}","Item":{}}}"#, item(i % ITEMS, 200, true))
}

fn update(i: usize) -> String {
    format!(
        r##"{{"TableName":"{TABLE}","Key":{{"pk":{{"S":"item{:06}"}}}},"UpdateExpression":"SET #c = :c ADD n :one","ConditionExpression":"attribute_exists(pk) AND n < :max","ExpressionAttributeNames":{{"#c":"c"}},"ExpressionAttributeValues":{{":c":{{"S":"v{i}"}},":one":{{"N":"1"}},":max":{{"N":"1e30"}}}}}}"##,
        i % ITEMS
    )
}

fn query(i: usize) -> String {
    format!(
        r#"{{"TableName":"{TABLE}","IndexName":"gsi","KeyConditionExpression":"gk = :g","ExpressionAttributeValues":{{":g":{{"S":"g{:04}"}}}}}}"#,
        i % (ITEMS / 10)
    )
}

fn scan(_: usize) -> String {
    format!(r#"{{"TableName":"{TABLE}","Limit":1000}}"#)
}

/// Requests per second and latencies of one run.
struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    /// The server's CPU time per request, in microseconds.
    cpu_us: f64,
}

async fn run(addr: SocketAddr, w: &Workload, seconds: Duration, tail: Option<&str>) -> Run {
    let end = Instant::now() + seconds;
    let tasks: Vec<_> = (0..w.connections)
        .map(|c| {
            let (op, body) = (w.op, w.body);
            tokio::spawn(async move {
                let mut sender = connect(addr).await;
                // Each request's start and latency.
                let mut samples = Vec::new();
                // A cheap spread of keys: a different stride per connection.
                let mut n = c * 7919;
                while Instant::now() < end {
                    n = n.wrapping_add(104_729);
                    let start = Instant::now();
                    call(&mut sender, op, body(n)).await;
                    samples.push((start, start.elapsed()));
                }
                samples
            })
        })
        .collect();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await.unwrap());
    }
    let mut latencies: Vec<Duration> = samples.iter().map(|&(_, took)| took).collect();
    latencies.sort();
    if let Some(label) = tail {
        print_tail(label, w, &mut samples, &latencies);
    }
    Run {
        per_second: latencies.len() as f64 / seconds.as_secs_f64(),
        p50: quantile(&latencies, 0.5),
        p99: quantile(&latencies, 0.99),
        cpu_us: 0.0,
    }
}

/// The `q` quantile of latencies sorted in ascending order.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q) as usize]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn load(binaries: &[String], port: u16, seconds: Duration, rounds: usize, only: &str, tail: bool) {
    let me = std::env::current_exe().unwrap().to_string_lossy().into_owned();
    let ceiling = Server::start(&me, &["trivial".to_string(), port.to_string()], port).await;
    let mut servers = Vec::new();
    for (i, binary) in binaries.iter().enumerate() {
        let server = Server::emulator(binary, port + 1 + i as u16).await;
        create_table(server.addr, true).await;
        fill(server.addr, 0..ITEMS, 200, true).await;
        servers.push(server);
    }
    let names: Vec<&str> = binaries.iter().map(|b| b.rsplit('/').next().unwrap_or(b)).collect();
    println!(
        "| workload | trivial `{{}}`: /s, p50 / p99 ms, CPU µs | {} |",
        names.join(": /s, share, p50 / p99 ms, CPU µs | ") + ": /s, share, p50 / p99 ms, CPU µs"
    );
    println!("|---|---|{}", "---|".repeat(names.len()));
    for w in WORKLOADS.iter().filter(|w| w.name.contains(only)) {
        let mut tops = Vec::new();
        let mut runs: Vec<Vec<Run>> = servers.iter().map(|_| Vec::new()).collect();
        for _ in 0..rounds {
            tops.push(measure(&ceiling, w, seconds, tail.then_some("trivial")).await);
            for ((server, runs), name) in servers.iter().zip(&mut runs).zip(&names) {
                runs.push(measure(server, w, seconds, tail.then_some(name)).await);
            }
        }
        let ceilings: Vec<f64> = tops.iter().map(|r| r.per_second).collect();
        let cells: Vec<String> = runs
            .iter()
            .map(|runs| {
                let share: Vec<f64> = runs.iter().zip(&ceilings).map(|(r, c)| r.per_second / c).collect();
                format!(
                    "{}, {:.0}%, {}",
                    rate(runs),
                    100.0 * median(share),
                    latencies_and_cpu(runs)
                )
            })
            .collect();
        println!(
            "| {} ({} conn.) | {}, {} | {} |",
            w.name,
            w.connections,
            rate(&tops),
            latencies_and_cpu(&tops),
            cells.join(" | ")
        );
    }
    for (name, server) in names.iter().zip(&servers) {
        println!("{name}: resident after the run {:.0} MiB", server.rss_mib());
    }
}

/// One run against `server`, with the CPU time it spent per request.
async fn measure(server: &Server, w: &Workload, seconds: Duration, tail: Option<&str>) -> Run {
    let cpu = server.cpu_seconds();
    let mut r = run(server.addr, w, seconds, tail).await;
    r.cpu_us = (server.cpu_seconds() - cpu) * 1e6 / (r.per_second * seconds.as_secs_f64());
    r
}

/// The median run's requests per second.
fn rate(runs: &[Run]) -> String {
    format!("{:.0}", median_run(runs).per_second)
}

/// The median run's p50 / p99 in milliseconds, then the median CPU µs per request of all runs.
fn latencies_and_cpu(runs: &[Run]) -> String {
    let mid = median_run(runs);
    format!(
        "{:.2} / {:.2}, {:.1}",
        mid.p50.as_secs_f64() * 1e3,
        mid.p99.as_secs_f64() * 1e3,
        median(runs.iter().map(|r| r.cpu_us).collect())
    )
}

/// `--tail`: a run's latency quantiles, and how its slow requests (over 3 × p50) group in time.
/// Groups of about as many requests as connections mean a whole thread stalled (the client's, or
/// the server worker every request waited on); groups of one or two, requests queued behind
/// a slow one.
fn print_tail(label: &str, w: &Workload, samples: &mut [(Instant, Duration)], sorted: &[Duration]) {
    let ms = |q: f64| quantile(sorted, q).as_secs_f64() * 1e3;
    let slow_above = quantile(sorted, 0.5) * 3;
    samples.sort_by_key(|&(start, _)| start);
    // Slow requests whose spans overlap form one group.
    let mut groups: Vec<usize> = Vec::new();
    let mut group_end: Option<Instant> = None;
    for &(start, took) in samples.iter().filter(|&&(_, took)| took > slow_above) {
        match group_end {
            Some(end) if start < end => {
                *groups.last_mut().unwrap() += 1;
                group_end = Some(end.max(start + took));
            }
            _ => {
                groups.push(1);
                group_end = Some(start + took);
            }
        }
    }
    groups.sort_unstable();
    let slow: usize = groups.iter().sum();
    eprintln!(
        "{label}, {}: p50 {:.3}, p90 {:.3}, p99 {:.3}, p99.9 {:.3}, max {:.3} ms; {slow} over 3 × p50 in {} groups (median {}, largest {} requests)",
        w.name,
        ms(0.5),
        ms(0.9),
        ms(0.99),
        ms(0.999),
        ms(1.0),
        groups.len(),
        groups.get(groups.len() / 2).unwrap_or(&0),
        groups.last().unwrap_or(&0),
    );
}

/// The run of median throughput (its latencies go with it).
fn median_run(runs: &[Run]) -> &Run {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    sorted[sorted.len() / 2]
}
