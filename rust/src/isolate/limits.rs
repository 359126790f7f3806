//! The limits an isolate runs under.

/// Per-isolate and per-request limits. Defaults follow Cloudflare Workers' paid plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// CPU time one request may use, across all its turns (default 50 ms).
    pub cpu_ms: f64,
    /// CPU time the module's top-level evaluation may use at isolate creation (default 400 ms,
    /// Workers' startup limit).
    pub startup_cpu_ms: f64,
    /// QuickJS heap limit per isolate (default 128 MiB).
    pub memory_bytes: usize,
    /// Maximum JavaScript stack depth in bytes; kept well under a thread's C stack (default
    /// 512 KiB; Python's threads get 8 MiB on Linux).
    pub stack_bytes: usize,
    /// `fetch()` calls one request may make (default 10 000, Workers' paid plan; wrangler's
    /// `limits.subrequests`); the next one rejects with `Error: Too many subrequests.`
    pub subrequests: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu_ms: 50.0,
            startup_cpu_ms: 400.0,
            memory_bytes: 128 * 1024 * 1024,
            stack_bytes: 512 * 1024,
            subrequests: 10_000,
        }
    }
}

impl Limits {
    pub fn cpu_ns(&self) -> u64 {
        ms_to_ns(self.cpu_ms)
    }

    pub fn startup_cpu_ns(&self) -> u64 {
        ms_to_ns(self.startup_cpu_ms)
    }
}

fn ms_to_ns(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms * 1e6) as u64
    } else {
        u64::MAX
    }
}
