//! What a request cost and what the worker said while serving it.

/// Console levels, as captured from `console.*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Log,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Log => "log",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }

    pub fn parse(s: &str) -> LogLevel {
        match s {
            "debug" | "trace" => LogLevel::Debug,
            "info" => LogLevel::Info,
            "warn" => LogLevel::Warn,
            "error" => LogLevel::Error,
            _ => LogLevel::Log,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub level: LogLevel,
    pub message: String,
    /// Host time of the turn that logged it, in milliseconds since the epoch.
    pub at_ms: f64,
}

/// How a request ended, from the worker's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The worker produced a Response.
    Ok,
    /// The worker threw (or its promise rejected).
    Exception,
    /// The worker resolved with something that is not a Response.
    InvalidResponse,
    /// The request used more CPU time than its limit.
    ExceededCpu,
    /// The isolate ran out of memory.
    ExceededMemory,
    /// Nothing is pending that could ever settle the worker's promise.
    NeverSettled,
    /// The host ended the request (its wall-clock limit passed, or the client went away).
    Canceled,
    /// Another request on the same isolate broke it, and the isolate was discarded.
    IsolateDiscarded,
    /// The worker script failed to start (startup CPU limit, throw at top level).
    ScriptError,
    /// Route auth refused the request (401) before the worker ran.
    Unauthorized,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Exception => "exception",
            Outcome::InvalidResponse => "invalidResponse",
            Outcome::ExceededCpu => "exceededCpu",
            Outcome::ExceededMemory => "exceededMemory",
            Outcome::NeverSettled => "neverSettled",
            Outcome::Canceled => "canceled",
            Outcome::IsolateDiscarded => "isolateDiscarded",
            Outcome::ScriptError => "scriptError",
            Outcome::Unauthorized => "unauthorized",
        }
    }

    /// The status and body of the error response the runtime answers with (after Workers'
    /// error pages: 1101 threw, 1102 exceeded resources).
    pub fn error_response(self) -> Option<(u16, &'static str)> {
        match self {
            Outcome::Ok => None,
            Outcome::Exception => Some((500, "Error 1101: Worker threw exception")),
            Outcome::InvalidResponse => Some((
                500,
                "Error 1101: Worker threw exception (the handler did not return a Response)",
            )),
            Outcome::ExceededCpu => Some((503, "Error 1102: Worker exceeded CPU time limit")),
            Outcome::ExceededMemory => Some((503, "Error 1102: Worker exceeded memory limit")),
            Outcome::NeverSettled => Some((500, "Error 1101: The script will never generate a response")),
            Outcome::Canceled => Some((504, "Error 1101: The request was canceled before the worker responded")),
            Outcome::IsolateDiscarded => Some((503, "Error 1102: Worker isolate was discarded")),
            Outcome::ScriptError => Some((500, "Error 1101: Worker script failed to start")),
            Outcome::Unauthorized => Some((401, "invalid token")),
        }
    }
}

/// Execution statistics of one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// CPU time the worker's JavaScript used for this request (all turns so far).
    pub cpu_ns: u64,
    /// Whether this request had to create its isolate.
    pub cold_start: bool,
    /// CPU time of that isolate's creation (runtime, prelude, module evaluation), if cold; when
    /// the isolate came from a spare made by `Worker::prewarm`, only the module evaluation.
    pub startup_ns: u64,
    /// Whether that cold start took a spare isolate made by `Worker::prewarm` (the runtime,
    /// context and Web APIs were ready; only the worker itself was evaluated).
    pub prewarmed: bool,
    pub isolate_id: u64,
    pub outcome: Outcome,
    /// The worker's error, as `Name: message` plus its stack when there was one.
    pub error: Option<String>,
    pub logs: Vec<LogLine>,
    /// Operations this request handed to the host.
    pub ops: u32,
    /// Host time between `begin` and the response, in milliseconds (host clock).
    pub wall_ms: f64,
    /// Errors of `ctx.waitUntil` promises (reported when the task is done).
    pub wait_until_errors: Vec<String>,
    /// The KV reads of this request (hits in the PoP's replica and misses), in order.
    pub kv_reads: Vec<KvReadStat>,
}

impl Stats {
    /// The stats of a request that ran no JavaScript (refused, failed to start, or answered
    /// by a host): `outcome`, its `error`, nothing measured.
    pub fn without_turn(outcome: Outcome, error: Option<String>) -> Stats {
        Stats {
            cpu_ns: 0,
            cold_start: false,
            startup_ns: 0,
            prewarmed: false,
            isolate_id: 0,
            outcome,
            error,
            logs: Vec::new(),
            ops: 0,
            wall_ms: 0.0,
            wait_until_errors: Vec::new(),
            kv_reads: Vec::new(),
        }
    }
}

/// One KV read of a request, as the core saw it; the host adds staleness (it knows the writes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvReadStat {
    pub namespace: std::sync::Arc<str>,
    pub key: String,
    /// Served by the PoP's replica (no operation).
    pub hit: bool,
    /// The central store's version the returned value reflects (0: never written).
    pub version_ns: u64,
    /// Host time the worker got the value.
    pub at_ns: u64,
}
