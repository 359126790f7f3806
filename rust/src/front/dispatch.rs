//! Native dispatch: requests to a worker answered without crossing into Python.
//!
//! Theory of operation. The control plane (Python) teaches the front what it needs to run a
//! request natively: the network's routes (most specific first), the placement of each
//! client-location value it has resolved (PoP and `request.cf`), the core of each (PoP,
//! worker) it has created, and the execution threads to run them on. A request whose
//! placement, route and core are all known is begun on an execution thread straight from the
//! I/O thread; when its first turn answers it completely (a response, nothing left to do: most
//! requests), the response is written from there too. Anything else goes to Python:
//! - a request the front cannot place, route or find a core for (the first one of each kind,
//!   which teaches the front for the next), and every request no worker handles (the PoP's
//!   cache and the origin live in Python);
//! - a request begun natively that is not finished after its first turn (a subrequest, a
//!   timer, `waitUntil` work, or steps of other requests sharing its isolate): Python *adopts*
//!   its steps and drives the rest as it drives every request (see `Adopted`);
//! - a turn the watchdog answered (503 here; the condemned isolate's other requests there).
//!
//! When a worker's cores change (it was replaced, or a deployment of it starts or ends) the
//! control plane makes the front forget that worker's cores only (`forget`): other workers'
//! requests go on natively, and the changed worker's next requests teach the front again.
//! Each learnt core counts the requests begun natively on it, per worker (`dispatched`).
//!
//! With a bot model (`set_bots`), every request's `request.cf` gets `botManagement` computed
//! here (`crate::bots`), for native requests and the ones handed to Python alike.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use tokio::sync::oneshot;

use crate::bots::BotModel;
use crate::host::{Done, Executor, Reply};
use crate::http::{Request, Response};
use crate::protocol::{Outcome, Stats, Step};
use crate::worker::Worker;

/// Distinct client-location values remembered (then the memo starts again).
const PLACES: usize = 4096;

/// One route: wrangler's pattern, split as `edgert.routes.Route` splits it.
#[derive(Clone, Debug)]
pub struct RouteRule {
    pub scheme: Option<String>,
    pub host: String,
    pub host_wild: bool,
    pub path: String,
    pub path_wild: bool,
    /// The worker's name, or `None`: the route bypasses workers.
    pub worker: Option<Arc<str>>,
}

impl RouteRule {
    fn matches(&self, scheme: &str, host: &str, target: &str) -> bool {
        if self.scheme.as_deref().is_some_and(|s| s != scheme) {
            return false;
        }
        let host_ok = if self.host_wild {
            host.ends_with(&self.host)
        } else {
            host == self.host
        };
        host_ok
            && if self.path_wild {
                target.starts_with(&self.path)
            } else {
                target == self.path
            }
    }
}

/// `(scheme, host, path?query)` of an absolute URL serialized by the WHATWG parser (as
/// `edgert.routes.split_url`: host without port or credentials, no fragment). The parser
/// serializes http(s) hosts in lower case, so the host is borrowed as it stands.
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(end);
    let target = target.split('#').next().unwrap_or("");
    if !target.starts_with('/') {
        return None; // the parser always gives http(s) URLs a path: leave odd ones to Python
    }
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') {
        &host[..host.find(']').map_or(host.len(), |i| i + 1)]
    } else {
        host.split(':').next().unwrap_or("")
    };
    Some((scheme, host, target))
}

/// A placement the control plane resolved: the PoP and the `request.cf` JSON.
#[derive(Clone)]
pub struct Placed {
    pub pop: Arc<str>,
    pub cf: Arc<str>,
}

/// A core the control plane made, with the wall limit of one of its turns.
#[derive(Clone)]
pub struct Core {
    pub worker: Arc<Worker>,
    pub wall: Duration,
    /// The control plane's object for this core (handed back with an adopted request).
    pub handle: Arc<dyn std::any::Any + Send + Sync>,
    /// The worker's count of natively begun requests (set by `learn_core`).
    pub dispatched: Arc<AtomicU64>,
}

#[derive(Default)]
struct Table {
    routes: Option<Vec<RouteRule>>,
    places: HashMap<Option<String>, Placed>,
    cores: HashMap<(Arc<str>, Arc<str>), Core>,
    /// Requests begun natively, per worker (kept across `forget`).
    dispatched: HashMap<Arc<str>, Arc<AtomicU64>>,
}

/// A request the front will run natively.
pub struct Native {
    pub pop: Arc<str>,
    pub worker_name: Arc<str>,
    pub core: Core,
    pub cf: Arc<str>,
}

/// What the control plane takes over from a request begun natively.
pub struct Adopted {
    /// The core's `handle`, as the control plane gave it.
    pub core: Arc<dyn std::any::Any + Send + Sync>,
    pub pop: Arc<str>,
    pub worker_name: Arc<str>,
    pub url: String,
    pub method: String,
    /// The request target as sent (for the access log).
    pub target: String,
    pub location: Option<String>,
    pub steps: Vec<Step>,
    /// The watchdog answered the request's first turn (its isolate was condemned).
    pub condemned: bool,
    /// Where the response goes, when the front has not answered it already.
    pub reply: Option<oneshot::Sender<Response>>,
}

/// How a native request's first turn ended.
pub struct Settled {
    /// The response to write now (the front answers), if there is one.
    pub response: Option<Response>,
    /// Its stats, for the access log.
    pub stats: Option<Stats>,
    /// Steps the control plane must take over (then it answers the request itself when
    /// `response` is `None`).
    pub rest: Option<(Vec<Step>, bool)>,
}

/// A request the front answered natively, for the access log.
pub struct AnswerRecord {
    pub method: String,
    pub target: String,
    pub pop: Arc<str>,
    pub status: u16,
    pub cache_status: Option<String>,
    pub wall_ms: f64,
    pub stats: Option<Stats>,
}

type AnswerHook = Arc<dyn Fn(AnswerRecord) + Send + Sync>;

#[derive(Default)]
pub struct Dispatch {
    executor: RwLock<Option<Arc<Executor>>>,
    table: RwLock<Table>,
    adopted: Mutex<Vec<Adopted>>,
    on_answer: RwLock<Option<AnswerHook>>,
    bots: RwLock<Option<Arc<BotModel>>>,
}

impl Dispatch {
    /// Turns native dispatch on, on `executor`'s threads, with the network's routes.
    pub fn enable(&self, executor: Arc<Executor>, routes: Vec<RouteRule>) {
        self.table.write().routes = Some(routes);
        *self.executor.write() = Some(executor);
    }

    /// Called with every request the front answers natively (the access log).
    pub fn on_answer(&self, hook: AnswerHook) {
        *self.on_answer.write() = Some(hook);
    }

    pub fn answered(&self, record: AnswerRecord) {
        let hook = self.on_answer.read().clone();
        if let Some(hook) = hook {
            hook(record);
        }
    }

    pub fn enabled(&self) -> bool {
        self.executor.read().is_some()
    }

    /// Forgets every placement and core (the network changed).
    pub fn reset(&self) {
        let mut table = self.table.write();
        table.places.clear();
        table.cores.clear();
    }

    /// Forgets the cores of `worker` only (its version changed); placements and other
    /// workers' cores stay.
    pub fn forget(&self, worker: &str) {
        self.table.write().cores.retain(|(_, w), _| &**w != worker);
    }

    /// Requests begun natively so far, per worker.
    pub fn dispatched(&self) -> Vec<(Arc<str>, u64)> {
        let table = self.table.read();
        let mut out: Vec<_> = table
            .dispatched
            .iter()
            .map(|(w, n)| (w.clone(), n.load(Ordering::Relaxed)))
            .collect();
        out.sort();
        out
    }

    /// Scores every later request with `model` (`request.cf.botManagement`).
    pub fn set_bots(&self, model: Option<Arc<BotModel>>) {
        *self.bots.write() = model;
    }

    /// `cf` with the bot model's fields for `request` at `pop`, or `None` without a model.
    /// The rate is counted by `cf-connecting-ip` (the front always sets it from the peer).
    /// Reads the wall clock: the front is a host.
    pub fn bot_cf(&self, cf: &str, request: &Request, pop: &str) -> Option<String> {
        let model = self.bots.read().clone()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        Some(model.cf_json(cf, &request.headers, &request.url, pop, "", now))
    }

    pub fn learn_place(&self, location: Option<String>, placed: Placed) {
        let mut table = self.table.write();
        if table.places.len() >= PLACES {
            table.places.clear();
        }
        table.places.insert(location, placed);
    }

    pub fn learn_core(&self, pop: Arc<str>, worker: Arc<str>, mut core: Core) {
        let mut table = self.table.write();
        core.dispatched = table.dispatched.entry(worker.clone()).or_default().clone();
        table.cores.insert((pop, worker), core);
    }

    /// The native plan for a request, if everything it needs is known.
    pub fn decide(&self, location: &Option<String>, url: &str) -> Option<Native> {
        let table = self.table.read();
        let routes = table.routes.as_ref()?;
        let placed = table.places.get(location)?;
        let (scheme, host, target) = split_url(url)?;
        let worker = routes
            .iter()
            .find(|r| r.matches(scheme, host, target))?
            .worker
            .clone()?;
        let core = table.cores.get(&(placed.pop.clone(), worker.clone()))?.clone();
        core.dispatched.fetch_add(1, Ordering::Relaxed);
        Some(Native {
            pop: placed.pop.clone(),
            worker_name: worker,
            core,
            cf: placed.cf.clone(),
        })
    }

    /// Begins `request` on an execution thread; the first turn's `Done` arrives on the
    /// returned receiver (which fails if the executor has closed). Gives the request back
    /// when dispatch is off (the caller hands it to the control plane instead).
    pub fn begin(&self, native: &Native, request: Request) -> Result<oneshot::Receiver<Done>, Request> {
        let executor = self.executor.read().clone();
        let Some(executor) = executor else { return Err(request) };
        let (tx, rx) = oneshot::channel();
        let call = crate::host::Call::Begin {
            request,
            cf_json: Some(native.cf.clone()),
        };
        let reply: Arc<dyn Reply> = Arc::new(OneShot(Mutex::new(Some(tx))));
        // A closed executor drops the reply: the receiver then fails (the server is stopping).
        executor.submit(0, native.core.worker.clone(), call, native.core.wall, reply);
        Ok(rx)
    }

    /// Splits a first turn into what the front writes now and what Python takes over.
    pub fn settle(done: Done) -> Settled {
        let Done {
            mut steps, condemned, ..
        } = done;
        if condemned {
            let (status, body) = Outcome::ExceededCpu.error_response().unwrap_or((503, "Error 1102"));
            let response = Response::text(
                status,
                &format!("{body} (its isolate did not return within its wall limit and was discarded)"),
            );
            let rest = (!steps.is_empty()).then_some((steps, true));
            return Settled {
                response: Some(response),
                stats: None,
                rest,
            };
        }
        let complete = steps.len() == 1 && steps[0].done && steps[0].ops.is_empty() && steps[0].response.is_some();
        if complete {
            let step = steps.pop().expect("one step");
            return Settled {
                response: step.response,
                stats: step.stats,
                rest: None,
            };
        }
        // The begun task's step comes first. Its response (if any) is written now; the rest
        // of the steps (its operations, other requests' steps) go to Python.
        let (response, stats) = match steps.first_mut() {
            Some(first) => (first.response.take(), first.stats.clone()),
            None => (None, None),
        };
        Settled {
            response,
            stats,
            rest: Some((steps, false)),
        }
    }

    pub fn adopt(&self, adopted: Adopted) {
        self.adopted.lock().push(adopted);
    }

    pub fn take_adopted(&self) -> Vec<Adopted> {
        std::mem::take(&mut *self.adopted.lock())
    }
}

/// The reply of one natively begun request: its first turn, once.
struct OneShot(Mutex<Option<oneshot::Sender<Done>>>);

impl Reply for OneShot {
    fn deliver(&self, done: Done) {
        if let Some(tx) = self.0.lock().take() {
            let _ = tx.send(done); // the connection may have gone: nobody waits, fine
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(host: &str, host_wild: bool, path: &str, path_wild: bool, worker: Option<&str>) -> RouteRule {
        RouteRule {
            scheme: None,
            host: host.into(),
            host_wild,
            path: path.into(),
            path_wild,
            worker: worker.map(Arc::from),
        }
    }

    #[test]
    fn urls_split_as_the_python_routes_split_them() {
        assert_eq!(
            split_url("https://user:pw@shop.example:8443/a/b?q=1#frag"),
            Some(("https", "shop.example", "/a/b?q=1"))
        );
        assert_eq!(split_url("http://[::1]:8080/x"), Some(("http", "[::1]", "/x")));
        assert_eq!(split_url("no-scheme"), None);
    }

    #[test]
    fn rules_match_like_wrangler_routes() {
        let api = rule(".example.com", true, "/api/", true, Some("api"));
        assert!(api.matches("https", "shop.example.com", "/api/items?x=1"));
        assert!(!api.matches("https", "shop.example.org", "/api/items"));
        let exact = rule("a.test", false, "/only", false, Some("w"));
        assert!(exact.matches("http", "a.test", "/only"));
        assert!(!exact.matches("http", "a.test", "/only/more"));
        let mut https = rule("a.test", false, "/", true, None);
        https.scheme = Some("https".into());
        assert!(!https.matches("http", "a.test", "/"));
    }

    #[test]
    fn nothing_is_native_until_taught() {
        let d = Dispatch::default();
        assert!(d.decide(&None, "https://a.test/").is_none());
        d.table.write().routes = Some(vec![rule("a.test", false, "/", true, Some("w"))]);
        assert!(d.decide(&None, "https://a.test/").is_none()); // no placement, no core yet
        d.learn_place(
            None,
            Placed {
                pop: "NRT".into(),
                cf: "{}".into(),
            },
        );
        assert!(d.decide(&None, "https://a.test/").is_none()); // no core yet
    }

    #[test]
    fn forgetting_a_worker_keeps_the_others() {
        let d = Dispatch::default();
        let script = crate::isolate::compile("w.js", "export default { fetch() { return new Response(\"ok\"); } }")
            .expect("compiles");
        let worker = Arc::new(Worker::new(script, crate::worker::WorkerConfig::default(), 1).expect("loads"));
        let core = || Core {
            worker: worker.clone(),
            wall: Duration::from_secs(1),
            handle: Arc::new(()),
            dispatched: Arc::default(),
        };
        d.table.write().routes = Some(vec![
            rule("a.test", false, "/", true, Some("a")),
            rule("b.test", false, "/", true, Some("b")),
        ]);
        d.learn_place(
            None,
            Placed {
                pop: "NRT".into(),
                cf: "{}".into(),
            },
        );
        d.learn_core("NRT".into(), "a".into(), core());
        d.learn_core("NRT".into(), "b".into(), core());
        assert!(d.decide(&None, "https://a.test/").is_some());
        d.forget("a");
        assert!(d.decide(&None, "https://a.test/").is_none());
        assert!(d.decide(&None, "https://b.test/").is_some());
        assert_eq!(d.dispatched(), vec![(Arc::from("a"), 1), (Arc::from("b"), 1)]);
    }
}
