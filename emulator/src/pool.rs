//! The server's engine threads: a fixed, small number of them taking requests in arrival order.
//!
//! tokio's blocking pool starts another thread whenever all of its threads are busy (up to 512),
//! and each thread that ever ran a request keeps its own allocator pages afterwards, so resident
//! memory followed the busiest moment's concurrency rather than the data. Here the count is fixed
//! ([`Pool::default_size`]), threads start only when a request finds none free (an emulator that
//! serves nothing starts none), and one FIFO queue means a cheap request queued behind heavy ones
//! waits only for them, never for requests that arrived after it.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, LazyLock};

use parking_lot::{Condvar, Mutex, MutexGuard};
use tokio::sync::oneshot;

/// Threads named so in `/proc/PID/task` and in debuggers.
const THREAD_NAME: &str = "dynamodb-worker";

/// A pool of at most `size` threads; dropping it lets its threads finish the queue and exit.
pub struct Pool {
    shared: Arc<Shared>,
    size: usize,
}

type Job = Box<dyn FnOnce() + Send>;

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// Threads started and not exited.
    threads: usize,
    /// Threads waiting for a job.
    idle: usize,
    closed: bool,
}

impl Pool {
    /// A pool that starts at most `size` (at least one) threads.
    pub fn new(size: usize) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
            }),
            size: size.max(1),
        }
    }

    /// Two threads per core, at least four: a request's work is CPU only (the engine never
    /// waits, except for a disk sync in durable mode), so more threads than cores only add memory,
    /// while a few spare ones keep light requests moving while two heavy ones run. Counted once
    /// per process: on Linux `available_parallelism` reads the cgroup files each call, which
    /// made up most of an `Emulator::start()` (BENCHMARKS.md, Results).
    pub fn default_size() -> usize {
        static SIZE: LazyLock<usize> = LazyLock::new(|| {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .saturating_mul(2)
                .max(4)
        });
        *SIZE
    }

    /// Queues `work` now; the future waits for its result without holding the caller's thread
    /// and gives `None` if it panicked (the pool thread survives).
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> impl std::future::Future<Output = Option<T>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        self.submit(Box::new(move || {
            if let Ok(answer) = catch_unwind(AssertUnwindSafe(work)) {
                let _ = tx.send(answer);
            }
        }));
        async move { rx.await.ok() }
    }

    fn submit(&self, job: Job) {
        let mut state = self.shared.state.lock();
        state.jobs.push_back(job);
        // More jobs waiting than threads waiting for them: another thread helps, up to the size.
        if state.jobs.len() > state.idle && state.threads < self.size {
            let shared = self.shared.clone();
            match std::thread::Builder::new()
                .name(THREAD_NAME.into())
                .spawn(move || work(&shared))
            {
                Ok(_) => state.threads += 1,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot start an engine thread");
                    if state.threads == 0 {
                        // Nothing would ever run them: dropped, their callers answer 500.
                        state.jobs.clear();
                    }
                }
            }
        }
        if state.idle > 0 {
            self.shared.wake.notify_one();
        }
    }

    /// Threads started so far.
    #[cfg(test)]
    fn threads(&self) -> usize {
        self.shared.state.lock().threads
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.state.lock().closed = true;
        self.shared.wake.notify_all();
    }
}

/// A pool thread: runs jobs in arrival order until the pool is dropped and the queue is empty.
fn work(shared: &Shared) {
    let mut state = shared.state.lock();
    loop {
        if let Some(job) = state.jobs.pop_front() {
            MutexGuard::unlocked(&mut state, job);
        } else if state.closed {
            state.threads -= 1;
            return;
        } else {
            state.idle += 1;
            shared.wake.wait(&mut state);
            state.idle -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Queues a job on `pool` that holds its thread until `release` sends.
    fn hold(pool: &Pool, held: &Arc<Mutex<mpsc::Receiver<()>>>) -> impl std::future::Future<Output = Option<()>> {
        let held = held.clone();
        pool.run(move || held.lock().recv().unwrap())
    }

    #[tokio::test]
    async fn runs_jobs_in_arrival_order_and_survives_a_panic() {
        let pool = Pool::new(1);
        let (release, held) = mpsc::channel();
        let holder = hold(&pool, &Arc::new(Mutex::new(held)));
        let order = Arc::new(Mutex::new(Vec::new()));
        let queued: Vec<_> = (0..5)
            .map(|i| {
                let order = order.clone();
                pool.run(move || order.lock().push(i))
            })
            .collect();
        let panicked = pool.run(|| panic!("a request's bug"));
        release.send(()).unwrap();
        assert_eq!(holder.await, Some(()));
        for job in queued {
            assert_eq!(job.await, Some(()));
        }
        assert_eq!(*order.lock(), [0, 1, 2, 3, 4]);
        assert_eq!(panicked.await, None::<()>);
        assert_eq!(pool.run(|| 7).await, Some(7), "the thread outlived the panic");
        assert_eq!(pool.threads(), 1);
    }

    #[test]
    fn default_size_is_two_threads_per_core_and_at_least_four() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(Pool::default_size(), (2 * cores).max(4));
        assert_eq!(Pool::default_size(), (2 * cores).max(4), "the second, counted once");
    }

    #[tokio::test]
    async fn starts_threads_only_when_all_are_busy_and_never_more_than_its_size() {
        let pool = Pool::new(3);
        assert_eq!(pool.threads(), 0, "no thread before the first job");
        let (release, held) = mpsc::channel();
        let held = Arc::new(Mutex::new(held));
        let holders: Vec<_> = (0..10).map(|_| hold(&pool, &held)).collect();
        assert_eq!(pool.threads(), 3);
        for _ in 0..10 {
            release.send(()).unwrap();
        }
        for holder in holders {
            assert_eq!(holder.await, Some(()));
        }
        assert_eq!(pool.threads(), 3);
    }
}
