//! Cache benchmarks (run: `cargo bench -p edgert-core --bench cache`):
//! 1. lookups per second on one core (fresh hits, no Vary; and with response materialization);
//! 2. memory overhead per stored entry beyond its own bytes, measured by a counting allocator;
//! 3. hit ratio of the eviction policy (quick_cache, through the whole cache) on a Zipf(0.9)
//!    trace with a budget of 10% of the working set, beside a byte-budgeted LRU (`lru` crate) in
//!    the same run, for equal and for varied object sizes.
//!
//! The clock is read here, in the benchmark, never in the cache.

#![allow(clippy::disallowed_methods)] // a measuring harness, not the core: it times itself

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::Instant;

use _core::cache::{CacheConfig, CacheOptions, Completion, HttpCache, Lookup, ENTRY_OVERHEAD};
use _core::http::{Body, Headers, Request, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Zipf};

/// Counts live heap bytes: requested sizes, and what malloc actually reserved.
struct Counting;

static REQUESTED: AtomicIsize = AtomicIsize::new(0);
static USABLE: AtomicIsize = AtomicIsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn usable(ptr: *mut u8) -> isize {
    // SAFETY: `ptr` was returned by the system allocator (glibc malloc on Linux) and is live.
    unsafe { libc::malloc_usable_size(ptr.cast()) as isize }
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            REQUESTED.fetch_add(layout.size() as isize, Ordering::Relaxed);
            USABLE.fetch_add(usable(ptr), Ordering::Relaxed);
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        REQUESTED.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        USABLE.fetch_sub(usable(ptr), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = usable(ptr);
        let new = System.realloc(ptr, layout, new_size);
        if !new.is_null() {
            REQUESTED.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
            USABLE.fetch_add(usable(new) - before, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const NS: u64 = 1_000_000_000;

/// CPU time of this thread, in seconds: unlike wall time it does not count the time the thread
/// was descheduled, so a loaded shared machine inflates it far less.
fn thread_cpu_s() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
const T0: u64 = 1_700_000_000 * NS;

fn url(i: usize) -> String {
    format!("https://example.com/static/assets/object-{i:08}.js")
}

/// A typical cacheable response: five fields (Date is added by the cache), `body_len` bytes.
fn origin_response(i: usize, body_len: usize) -> Response {
    let mut h = Headers::with_capacity(6);
    h.append("content-type", "application/javascript").unwrap();
    h.append("cache-control", "public, max-age=86400").unwrap();
    h.append("etag", &format!("\"{i:016x}\"")).unwrap();
    h.append("last-modified", "Tue, 14 Nov 2023 22:13:20 GMT").unwrap();
    h.append("date", "Tue, 14 Nov 2023 22:13:20 GMT").unwrap();
    Response::new(200, h, Body::from(vec![b'x'; body_len]))
}

fn fill(cache: &mut HttpCache, n: usize, body_len: usize) {
    let options = CacheOptions::default();
    for i in 0..n {
        let request = Request::get(url(i));
        match cache.store(&request, origin_response(i, body_len), &options, T0, T0) {
            Completion::Serve(s) => assert!(s.stored),
            Completion::Refetch(_) => unreachable!(),
        }
    }
}

fn lookups_per_second() {
    let n = 10_000;
    let mut cache = HttpCache::new(CacheConfig {
        max_bytes: 1 << 30,
        estimated_entries: n,
        ..Default::default()
    });
    fill(&mut cache, n, 1024);
    let requests: Vec<Request> = (0..n).map(|i| Request::get(url(i))).collect();
    let options = CacheOptions::default();
    let now = T0 + 10 * NS;
    let rounds = 20;
    let per_round = 500_000;
    let (mut best_wall, mut best_cpu) = (f64::MAX, f64::MAX);
    let (mut built_wall, mut built_cpu) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let (wall, cpu) = (Instant::now(), thread_cpu_s());
        for k in 0..per_round {
            let req = &requests[(k * 7919) % n];
            match cache.lookup(req, &options, now) {
                Lookup::Hit(hit) => {
                    black_box(hit.age_s());
                }
                other => panic!("expected a hit, got {other:?}"),
            }
        }
        best_cpu = best_cpu.min((thread_cpu_s() - cpu) / per_round as f64);
        best_wall = best_wall.min(wall.elapsed().as_secs_f64() / per_round as f64);
        let (wall, cpu) = (Instant::now(), thread_cpu_s());
        for k in 0..per_round / 10 {
            let req = &requests[(k * 7919) % n];
            if let Lookup::Hit(hit) = cache.lookup(req, &options, now) {
                black_box(hit.response(req));
            }
        }
        built_cpu = built_cpu.min((thread_cpu_s() - cpu) / (per_round / 10) as f64);
        built_wall = built_wall.min(wall.elapsed().as_secs_f64() / (per_round / 10) as f64);
    }
    println!("## lookups (one core, {n} stored responses, fresh hits, best of {rounds} rounds)");
    println!(
        "lookup -> Hit:          thread CPU {:>6.0} ns = {:>5.2} M lookups/s | wall {:>6.0} ns = {:>5.2} M/s",
        best_cpu * 1e9,
        1e-6 / best_cpu,
        best_wall * 1e9,
        1e-6 / best_wall
    );
    println!(
        "lookup + built response: thread CPU {:>5.0} ns = {:>5.2} M lookups/s | wall {:>6.0} ns = {:>5.2} M/s",
        built_cpu * 1e9,
        1e-6 / built_cpu,
        built_wall * 1e9,
        1e-6 / built_wall
    );
}

fn memory_overhead() {
    let n = 100_000;
    let body_len = 1024;
    let before_req = REQUESTED.load(Ordering::Relaxed);
    let before_use = USABLE.load(Ordering::Relaxed);
    let mut cache = HttpCache::new(CacheConfig {
        max_bytes: 1 << 34,
        estimated_entries: n,
        ..Default::default()
    });
    fill(&mut cache, n, body_len);
    let requested = (REQUESTED.load(Ordering::Relaxed) - before_req) as f64;
    let usable = (USABLE.load(Ordering::Relaxed) - before_use) as f64;
    // The entry's own bytes: its key (URL), its header text (names and values, Date included) and body.
    let sample = origin_response(0, body_len);
    let header_text: usize = sample.headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
    let own = (0..n).map(|i| url(i).len()).sum::<usize>() as f64 + n as f64 * (header_text + body_len) as f64;
    let m = cache.metrics();
    assert_eq!(m.entries as usize, n);
    println!("\n## memory per stored entry ({n} entries, {body_len}-byte bodies, 5 header fields)");
    println!("own bytes (URL + header text + body):  {:>7.1} B/entry", own / n as f64);
    println!(
        "heap held, requested sizes:            {:>7.1} B/entry",
        requested / n as f64
    );
    println!(
        "overhead beyond own bytes (requested):  {:>6.1} B/entry",
        (requested - own) / n as f64
    );
    println!(
        "overhead beyond own bytes (malloc usable): {:>3.1} B/entry",
        (usable - own) / n as f64
    );
    println!(
        "  of which quick_cache tables:          {:>6.1} B/entry",
        cache.table_bytes() as f64 / n as f64
    );
    println!("  (budget charges ENTRY_OVERHEAD = {ENTRY_OVERHEAD} B/entry + own bytes)");
    drop(cache);
}

/// A byte-budgeted LRU over the `lru` crate.
struct Lru {
    map: lru::LruCache<usize, u64>,
    bytes: u64,
    budget: u64,
}

impl Lru {
    fn new(budget: u64) -> Self {
        Lru {
            map: lru::LruCache::unbounded(),
            bytes: 0,
            budget,
        }
    }

    fn get(&mut self, k: usize) -> bool {
        self.map.get(&k).is_some()
    }

    fn put(&mut self, k: usize, weight: u64) {
        if weight > self.budget {
            return;
        }
        while self.bytes + weight > self.budget {
            match self.map.pop_lru() {
                Some((_, w)) => self.bytes -= w,
                None => break,
            }
        }
        self.bytes += weight;
        if let Some(old) = self.map.put(k, weight) {
            self.bytes -= old;
        }
    }
}

fn hit_ratios(varied: bool) {
    let objects = 50_000usize;
    let requests = 1_000_000usize;
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let sizes: Vec<usize> = (0..objects)
        .map(|_| {
            if varied {
                (100.0 * 100f64.powf(rng.random::<f64>())) as usize
            } else {
                1024
            }
        })
        .collect();
    // The weight the cache charges each object (its key, stored header text, body, overhead).
    let mut probe = HttpCache::new(CacheConfig {
        max_bytes: 1 << 34,
        ..Default::default()
    });
    let weights: Vec<u64> = (0..objects)
        .map(|i| {
            fill_one(&mut probe, i, sizes[i]);
            let w = probe.metrics().bytes;
            probe.purge_all();
            w
        })
        .collect();
    let working_set: u64 = weights.iter().sum();
    let budget = working_set / 10;
    let zipf = Zipf::new(objects as f64, 0.9).unwrap();
    let trace: Vec<usize> = (0..requests).map(|_| zipf.sample(&mut rng) as usize - 1).collect();

    let mut cache = HttpCache::new(CacheConfig {
        max_bytes: budget,
        estimated_entries: objects / 5,
        ..Default::default()
    });
    let options = CacheOptions::default();
    let mut hits = 0usize;
    for &i in &trace {
        let request = Request::get(url(i));
        match cache.lookup(&request, &options, T0) {
            Lookup::Hit(_) => hits += 1,
            _ => fill_one(&mut cache, i, sizes[i]),
        }
    }
    let mut lru = Lru::new(budget);
    let mut lru_hits = 0usize;
    for &i in &trace {
        if lru.get(i) {
            lru_hits += 1;
        } else {
            lru.put(i, weights[i]);
        }
    }
    let mut byte_hits = 0u64;
    let mut lru_byte_hits = 0u64;
    let total_bytes: u64 = trace.iter().map(|&i| weights[i]).sum();
    {
        let mut cache = HttpCache::new(CacheConfig {
            max_bytes: budget,
            estimated_entries: objects / 5,
            ..Default::default()
        });
        let mut lru = Lru::new(budget);
        for &i in &trace {
            let request = Request::get(url(i));
            match cache.lookup(&request, &options, T0) {
                Lookup::Hit(_) => byte_hits += weights[i],
                _ => fill_one(&mut cache, i, sizes[i]),
            }
            if lru.get(i) {
                lru_byte_hits += weights[i];
            } else {
                lru.put(i, weights[i]);
            }
        }
    }
    let label = if varied {
        "sizes 100 B..10 KB log-uniform"
    } else {
        "equal sizes (1 KB bodies)"
    };
    println!("\n## hit ratio, Zipf(0.9), {objects} objects, {requests} requests, budget 10% of working set, {label}");
    println!(
        "quick_cache (edgert cache): {:>5.1}% of requests, {:>5.1}% of bytes",
        100.0 * hits as f64 / requests as f64,
        100.0 * byte_hits as f64 / total_bytes as f64
    );
    println!(
        "LRU (lru crate):            {:>5.1}% of requests, {:>5.1}% of bytes",
        100.0 * lru_hits as f64 / requests as f64,
        100.0 * lru_byte_hits as f64 / total_bytes as f64
    );
    let _ = NonZeroUsize::new(1);
}

fn fill_one(cache: &mut HttpCache, i: usize, body_len: usize) {
    let request = Request::get(url(i));
    let _ = cache.store(&request, origin_response(i, body_len), &CacheOptions::default(), T0, T0);
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    println!(
        "# edgert cache benchmarks ({} allocations before start)",
        ALLOCATIONS.load(Ordering::Relaxed)
    );
    lookups_per_second();
    memory_overhead();
    hit_ratios(false);
    hit_ratios(true);
}
