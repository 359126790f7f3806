//! `edgert._core.NativeFront`: the native HTTP/1.1 front (`crate::front`) as the asyncio control
//! plane sees it. The loop watches `fd`; `take()` returns the complete requests as
//! `(token, pop, client, request, url)` (placed by the `resolve` callable, memoised per
//! client-location value, `request.cf` filled); the control plane answers each with
//! `token(response)` or `respond(token, response)`. Access-log records wait in a buffer until
//! `take_log()` (the fd is made readable when the first one arrives).

// This binds a host (`crate::front`), which reads clocks for the access log: the core's rule
// against clocks (clippy.toml) does not apply.
#![allow(clippy::disallowed_methods)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use parking_lot::Mutex;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use tokio::sync::oneshot;

use super::bots::PyBotModel;
use super::executor::PyExecutor;
use super::http::{PyRequest, PyResponse};
use super::protocol::steps_to_py;
use super::stats::PyStats;
use super::worker::PyCoreWorker;
use crate::front::{Adopted, Core, Front, FrontConfig, Inbox, Outbox, Pending, Placed, RouteRule, WsCommand, WsReport};
use crate::http::{Body, Headers, Response};
use crate::server::reason_phrase;

/// Distinct client-location values remembered (then the memo starts again).
const PLACES: usize = 4096;

/// A client-location value resolved by the control plane.
struct Place {
    pop: Py<PyAny>,
    client: Py<PyAny>,
    cf: String,
    code: String,
}

/// One access-log record waiting for `take_log()`.
struct LogRecord {
    time: f64,
    method: String,
    target: String,
    pop: String,
    status: u16,
    cache_status: Option<String>,
    wall_ms: f64,
    stats: LogStats,
}

/// A record's stats: the Python object of a response Python answered, or the core's own for
/// one the front answered natively (converted when the log is taken).
enum LogStats {
    None,
    Py(Py<PyStats>),
    Native(Box<crate::protocol::Stats>),
}

struct LogSink {
    enabled: bool,
    records: Mutex<Vec<LogRecord>>,
    inbox: Arc<Inbox>,
}

impl LogSink {
    fn push(&self, record: LogRecord) {
        let first = {
            let mut records = self.records.lock();
            records.push(record);
            records.len() == 1
        };
        if first {
            self.inbox.nudge();
        }
    }
}

struct LogMeta {
    method: String,
    target: String,
    pop: String,
}

/// A request waiting for its response: call it with the response (once).
#[pyclass(name = "FrontToken", module = "edgert._core", frozen)]
pub struct PyFrontToken {
    reply: Mutex<Option<oneshot::Sender<Response>>>,
    began: Instant,
    meta: Option<LogMeta>,
    sink: Arc<LogSink>,
    outbox: Arc<Outbox>,
}

impl PyFrontToken {
    /// Queues the response (it leaves at the outbox's next flush); records it for the log.
    fn answer(&self, py: Python<'_>, response: &PyResponse) {
        let Some(reply) = self.reply.lock().take() else {
            return; // answered already
        };
        if let Some(meta) = &self.meta {
            let record = LogRecord {
                time: SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64()),
                method: meta.method.clone(),
                target: meta.target.clone(),
                pop: meta.pop.clone(),
                status: response.inner.status,
                cache_status: response.inner.headers.get("cf-cache-status").map(str::to_owned),
                wall_ms: self.began.elapsed().as_secs_f64() * 1000.0,
                stats: match response.stats.as_ref() {
                    Some(s) => LogStats::Py(s.clone_ref(py)),
                    None => LogStats::None,
                },
            };
            self.sink.push(record);
        }
        self.outbox.put(reply, response.inner.clone());
    }
}

#[pymethods]
impl PyFrontToken {
    /// Answers the request now (later calls do nothing).
    fn __call__(&self, py: Python<'_>, response: &Bound<'_, PyAny>) -> PyResult<()> {
        let response = response
            .cast::<PyResponse>()
            .map_err(|_| PyTypeError::new_err("a FrontToken is answered with an edgert Response"))?;
        self.answer(py, response.get());
        self.outbox.flush();
        Ok(())
    }

    /// Whether the request has been answered.
    #[getter]
    fn answered(&self) -> bool {
        self.reply.lock().is_none()
    }
}

/// The native HTTP/1.1 front: a listening socket served by a Rust I/O thread (hyper).
#[pyclass(name = "NativeFront", module = "edgert._core", frozen)]
pub struct PyNativeFront {
    front: Front,
    resolve: Py<PyAny>,
    places: Mutex<HashMap<Option<String>, Arc<Place>>>,
    sink: Arc<LogSink>,
}

fn text_response(status: u16, message: &str) -> Response {
    let mut headers = Headers::new();
    headers
        .append("content-type", "text/plain; charset=utf-8")
        .expect("static header is valid");
    let body = format!("{status} {}: {message}\n", reason_phrase(status));
    Response::new(status, headers, Body::from(body.as_str()))
}

impl PyNativeFront {
    /// A waiting request as `[token, pop, client, request, url]`, or `None` when its client
    /// location was refused (and answered).
    fn admit<'py>(&self, py: Python<'py>, pending: Pending) -> PyResult<Option<[Bound<'py, PyAny>; 5]>> {
        let Pending {
            location,
            request,
            target,
            began,
            reply,
        } = pending;
        let place = match self.place(py, &location) {
            Ok(place) => place,
            Err(refusal) => {
                self.front.outbox().put(reply, refusal);
                return Ok(None);
            }
        };
        let meta = self.sink.enabled.then(|| LogMeta {
            method: request.method.clone(),
            target,
            pop: place.code.clone(),
        });
        let token = PyFrontToken {
            reply: Mutex::new(Some(reply)),
            began,
            meta,
            sink: self.sink.clone(),
            outbox: self.front.outbox().clone(),
        };
        let url = PyString::new(py, &request.url);
        let cf = self
            .front
            .dispatch()
            .bot_cf(&place.cf, &request, &place.code)
            .unwrap_or_else(|| place.cf.clone());
        let request = PyRequest {
            inner: request,
            cf_json: Some(cf),
        };
        Ok(Some([
            Bound::new(py, token)?.into_any(),
            place.pop.bind(py).clone(),
            place.client.bind(py).clone(),
            Bound::new(py, request)?.into_any(),
            url.into_any(),
        ]))
    }

    /// The placement of a client-location value, or the response that refuses it.
    fn place(&self, py: Python<'_>, location: &Option<String>) -> Result<Arc<Place>, Response> {
        if let Some(found) = self.places.lock().get(location) {
            return Ok(found.clone());
        }
        let placed = self.resolve.bind(py).call1((location.as_deref(),)).and_then(|p| {
            let pop = p.getattr("pop")?;
            let code: String = pop.getattr("code")?.extract()?;
            Ok(Place {
                client: p.getattr("client")?.unbind(),
                cf: p.getattr("cf")?.extract()?,
                pop: pop.unbind(),
                code,
            })
        });
        match placed {
            Ok(place) => {
                let place = Arc::new(place);
                self.front.dispatch().learn_place(
                    location.clone(),
                    Placed {
                        pop: Arc::from(place.code.as_str()),
                        cf: Arc::from(place.cf.as_str()),
                    },
                );
                let mut places = self.places.lock();
                if places.len() >= PLACES {
                    places.clear();
                }
                places.insert(location.clone(), place.clone());
                Ok(place)
            }
            Err(err) => {
                let ours = py
                    .import("edgert.errors")
                    .and_then(|m| m.getattr("EdgertError"))
                    .is_ok_and(|class| err.is_instance(py, &class));
                let text = err.value(py).to_string();
                let first = text.lines().next().unwrap_or("").to_owned();
                Err(if ours {
                    text_response(400, &first)
                } else {
                    text_response(500, &format!("edgert: {first}"))
                })
            }
        }
    }
}

#[pymethods]
impl PyNativeFront {
    #[new]
    #[pyo3(signature = (
        resolve, host, port, *, max_header_bytes, max_body_bytes, header_timeout_s,
        idle_timeout_s, body_timeout_s, max_buffered_body_bytes, max_connections,
        client_header="x-edgert-client", access_log=false, ws_idle_timeout_s=300.0,
        ws_max_buffered_bytes=16777216
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        resolve: Py<PyAny>,
        host: &str,
        port: u16,
        max_header_bytes: usize,
        max_body_bytes: u64,
        header_timeout_s: f64,
        idle_timeout_s: f64,
        body_timeout_s: f64,
        max_buffered_body_bytes: u64,
        max_connections: usize,
        client_header: &str,
        access_log: bool,
        ws_idle_timeout_s: f64,
        ws_max_buffered_bytes: usize,
    ) -> PyResult<Self> {
        let seconds = |s: f64| Duration::try_from_secs_f64(s).map_err(|e| PyTypeError::new_err(e.to_string()));
        let config = FrontConfig {
            max_header_bytes,
            max_body_bytes,
            header_timeout: seconds(header_timeout_s)?,
            idle_timeout: seconds(idle_timeout_s)?,
            body_timeout: seconds(body_timeout_s)?,
            max_buffered_body_bytes,
            max_connections,
            client_header: client_header.trim().to_ascii_lowercase(),
            default_host: String::new(),
            ws_idle_timeout: seconds(ws_idle_timeout_s)?,
            ws_max_buffered_bytes,
        };
        let host = host.to_owned();
        let front = py.detach(move || Front::start(&host, port, config))?;
        let sink = Arc::new(LogSink {
            enabled: access_log,
            records: Mutex::new(Vec::new()),
            inbox: front.inbox().clone(),
        });
        if access_log {
            let native_sink = sink.clone();
            front
                .dispatch()
                .on_answer(Arc::new(move |r: crate::front::AnswerRecord| {
                    let record = LogRecord {
                        time: SystemTime::now()
                            .duration_since(SystemTime::UNIX_EPOCH)
                            .map_or(0.0, |d| d.as_secs_f64()),
                        method: r.method,
                        target: r.target,
                        pop: r.pop.to_string(),
                        status: r.status,
                        cache_status: r.cache_status,
                        wall_ms: r.wall_ms,
                        stats: r.stats.map_or(LogStats::None, |s| LogStats::Native(Box::new(s))),
                    };
                    native_sink.push(record);
                }));
        }
        Ok(PyNativeFront {
            front,
            resolve,
            places: Mutex::new(HashMap::new()),
            sink,
        })
    }

    /// The bound port.
    #[getter]
    fn port(&self) -> u16 {
        self.front.port()
    }

    /// The descriptor to watch: readable while requests (or notices) are waiting.
    #[getter]
    fn fd(&self) -> i32 {
        self.front.inbox().fd()
    }

    /// Connections open now.
    #[getter]
    fn connections(&self) -> usize {
        self.front.connections()
    }

    /// Whether the I/O thread has stopped (after `close`).
    #[getter]
    fn stopped(&self) -> bool {
        self.front.inbox().stopped()
    }

    /// Whether a connection was accepted since the last call.
    fn accepted(&self) -> bool {
        self.front.inbox().take_accepted()
    }

    /// The complete requests waiting: `[(token, pop, client, request, url), ...]`. Answer each
    /// with `respond(token, response)` and then `flush()`, or with `token(response)`.
    fn take<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for pending in self.front.inbox().take() {
            if let Some(admitted) = self.admit(py, pending)? {
                out.append(PyTuple::new(py, admitted)?)?;
            }
        }
        self.front.outbox().flush(); // the refusals of unknown places
        Ok(out)
    }

    /// Takes the waiting requests and runs each through `begin(pop, client, request, url,
    /// on_response)` (``Network.begin_at``): a response it returns is sent, `None` means it
    /// calls `on_response` later; an exception is answered 500. The responses leave in one
    /// batch. Returns how many requests ran.
    fn serve(&self, py: Python<'_>, begin: &Bound<'_, PyAny>) -> PyResult<usize> {
        let pending = self.front.inbox().take();
        let count = pending.len();
        let mut interrupt = None;
        for p in pending {
            let Some(admitted) = self.admit(py, p)? else { continue };
            let [token, pop, client, request, url] = admitted;
            let token = token.cast_into::<PyFrontToken>()?;
            let answered = begin.call1((pop, client, request, url, token.clone()));
            let fallback = match answered {
                Ok(r) if r.is_none() => continue, // answered later, through the token
                Ok(r) => match r.cast::<PyResponse>() {
                    Ok(response) => {
                        token.get().answer(py, response.get());
                        continue;
                    }
                    Err(_) => text_response(500, "edgert: begin() returned no Response"),
                },
                Err(err) => {
                    let text = err.value(py).to_string();
                    let kind = err.get_type(py).name().map(|n| n.to_string()).unwrap_or_default();
                    if !err.is_instance_of::<pyo3::exceptions::PyException>(py) {
                        interrupt = Some(err); // KeyboardInterrupt and the like: raised after
                    }
                    text_response(500, &format!("edgert: {kind}: {text}"))
                }
            };
            token.get().answer(
                py,
                &PyResponse {
                    inner: fallback,
                    stats: None,
                },
            );
        }
        self.front.outbox().flush();
        match interrupt {
            Some(err) => Err(err),
            None => Ok(count),
        }
    }

    /// Answers the request of `token` with `response`; it is sent at the next `flush()`.
    fn respond(&self, py: Python<'_>, token: &Bound<'_, PyFrontToken>, response: &Bound<'_, PyResponse>) {
        token.get().answer(py, response.get());
    }

    /// Sends the responses given to `respond` since the last flush.
    fn flush(&self) {
        self.front.outbox().flush();
    }

    /// Turns native dispatch on: requests to a worker whose placement, route and core the
    /// front has learnt run on `executor`'s threads and are answered without Python when their
    /// first turn finishes them. `routes`: the network's routes, most specific first, as
    /// `(scheme or None, host, host_wild, path, path_wild, worker or None)`.
    #[allow(clippy::type_complexity)]
    fn enable_dispatch(
        &self,
        executor: &PyExecutor,
        routes: Vec<(Option<String>, String, bool, String, bool, Option<String>)>,
    ) {
        let routes = routes
            .into_iter()
            .map(|(scheme, host, host_wild, path, path_wild, worker)| RouteRule {
                scheme,
                host,
                host_wild,
                path,
                path_wild,
                worker: worker.map(|w| Arc::from(w.as_str())),
            })
            .collect();
        self.front.dispatch().enable(executor.inner.clone(), routes);
    }

    /// The core of `worker` at PoP `pop` (its turns may hold a thread for `wall_ms`).
    fn learn_core(&self, pop: &str, worker: &str, core: &Bound<'_, PyCoreWorker>, wall_ms: f64) {
        let wall = Duration::try_from_secs_f64(wall_ms.max(1.0) / 1000.0).unwrap_or(Duration::from_secs(30));
        self.front.dispatch().learn_core(
            Arc::from(pop),
            Arc::from(worker),
            Core {
                worker: core.get().inner.clone(),
                wall,
                handle: Arc::new(core.clone().unbind()),
                dispatched: Arc::default(),
            },
        );
    }

    /// Forgets the learnt placements and cores (the network's workers changed); with
    /// `worker`, only that worker's cores (its version changed: the others stay native).
    #[pyo3(signature = (worker=None))]
    fn reset_dispatch(&self, worker: Option<&str>) {
        match worker {
            Some(name) => self.front.dispatch().forget(name),
            None => {
                self.places.lock().clear();
                self.front.dispatch().reset();
            }
        }
    }

    /// Requests begun natively (without Python) so far, per worker: `{worker: count}`.
    fn dispatched(&self) -> HashMap<String, u64> {
        self.front
            .dispatch()
            .dispatched()
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect()
    }

    /// Fills `request.cf.botManagement` of every later request with `model` (`None`: off).
    fn enable_bots(&self, model: Option<&PyBotModel>) {
        self.front.dispatch().set_bots(model.map(|m| m.inner.clone()));
    }

    /// Requests begun natively that Python takes over: `[(token, pop, client, core, worker,
    /// url, steps, condemned), ...]`; `token` is already answered when the front wrote the response.
    fn take_adopted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for Adopted {
            core,
            worker_name,
            url,
            method,
            target,
            location,
            steps,
            condemned,
            reply,
            ..
        } in self.front.dispatch().take_adopted()
        {
            let Ok(place) = self.place(py, &location) else { continue }; // it was placed before
            let meta = (self.sink.enabled && reply.is_some()).then(|| LogMeta {
                method,
                target,
                pop: place.code.clone(),
            });
            let token = PyFrontToken {
                reply: Mutex::new(reply),
                began: Instant::now(),
                meta,
                sink: self.sink.clone(),
                outbox: self.front.outbox().clone(),
            };
            let steps = steps_to_py(py, steps)?;
            let Some(core) = core.downcast_ref::<Py<PyCoreWorker>>() else {
                continue;
            };
            out.append((
                Bound::new(py, token)?,
                place.pop.bind(py).clone(),
                place.client.bind(py).clone(),
                core.bind(py).clone(),
                worker_name.to_string(),
                url,
                steps,
                condemned,
            ))?;
        }
        Ok(out)
    }

    /// The access-log records written since the last call: `[(time, method, path, status,
    /// pop, cache_status, wall_ms, stats), ...]`.
    fn take_log<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let records = std::mem::take(&mut *self.sink.records.lock());
        let out = PyList::empty(py);
        for r in records {
            let stats = match r.stats {
                LogStats::Py(s) => s.into_bound(py).into_any(),
                LogStats::Native(s) => Bound::new(py, PyStats::from_stats(py, &s)?)?.into_any(),
                LogStats::None => py.None().into_bound(py),
            };
            out.append((
                r.time,
                r.method,
                r.target,
                r.status,
                r.pop,
                r.cache_status,
                r.wall_ms,
                stats,
            ))?;
        }
        Ok(out)
    }

    /// What the WebSocket connections reported since the last call: `[(conn, kind, data,
    /// code, reason, clean, core), ...]` with `kind` "open" (`data`: the socket as the worker's
    /// response named it, `core` the core that answered natively or None), "message" (`data`
    /// str or bytes) or "close" (`code`, `reason`, `clean`).
    fn take_ws<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for (conn, report) in self.front.ws().take() {
            let none = || py.None().into_bound(py);
            let row = match report {
                WsReport::Open { socket, core } => {
                    let core = core
                        .as_ref()
                        .and_then(|c| c.downcast_ref::<Py<PyCoreWorker>>())
                        .map_or_else(none, |c| c.bind(py).clone().into_any());
                    (
                        conn,
                        "open",
                        PyString::new(py, &socket).into_any(),
                        0u16,
                        String::new(),
                        true,
                        core,
                    )
                }
                WsReport::Text(text) => (
                    conn,
                    "message",
                    PyString::new(py, &text).into_any(),
                    0,
                    String::new(),
                    true,
                    none(),
                ),
                WsReport::Binary(bytes) => (
                    conn,
                    "message",
                    PyBytes::new(py, &bytes).into_any(),
                    0,
                    String::new(),
                    true,
                    none(),
                ),
                WsReport::Close { code, reason, clean } => (conn, "close", none(), code, reason, clean, none()),
            };
            out.append(row)?;
        }
        Ok(out)
    }

    /// Sends on WebSocket connection `conn`: `kind` "text" (`data` str), "binary" (bytes) or
    /// "close" (`code`, `reason`). False when the connection is gone.
    #[pyo3(signature = (conn, kind, data=None, code=1000, reason=String::new()))]
    fn ws_send(
        &self,
        conn: u64,
        kind: &str,
        data: Option<&Bound<'_, PyAny>>,
        code: u16,
        reason: String,
    ) -> PyResult<bool> {
        let command = match (kind, data) {
            ("text", Some(d)) => WsCommand::Text(d.extract::<String>()?),
            ("binary", Some(d)) => WsCommand::Binary(d.extract::<Vec<u8>>()?),
            ("close", _) => WsCommand::Close(code, reason),
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "ws_send: bad kind {kind:?} or missing data"
                )))
            }
        };
        Ok(self.front.ws().send(conn, command))
    }

    /// Open WebSocket connections.
    #[getter]
    fn websockets(&self) -> usize {
        self.front.ws().len()
    }

    /// Graceful shutdown: stop accepting, let requests in flight finish for up to `grace_s`
    /// seconds (idle connections close at once), then close the rest. Returns at once;
    /// `stopped` turns true (and `fd` readable) when done.
    fn close(&self, grace_s: f64) -> PyResult<()> {
        let grace =
            Duration::try_from_secs_f64(grace_s.max(0.0)).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        self.front.close(grace);
        Ok(())
    }

    /// Waits for the I/O thread to end (after `stopped`); the GIL is released meanwhile.
    fn join(&self, py: Python<'_>) {
        py.detach(|| self.front.join());
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNativeFront>()?;
    m.add_class::<PyFrontToken>()?;
    Ok(())
}
