//! Bot management in the core: `request.cf.botManagement` computed in Rust, for the requests
//! the native front runs (`edgert serve` / `edgert dev`).
//!
//! The model is the one `python/edgert/bots/` documents (`docs/bots.md`), built from the same
//! tables: the Python control plane hands over its crawler table, its corporate proxies and
//! ua-parser's own matchers (the `ua-parser-builtins` regexes, which Python's `ua_parser`
//! runs through this same `ua-parser` crate) when a server starts, so a request scores the same
//! here as through `edgert.bots.BotManagement.score`, without a Python call per request.
//!
//! - [`agent`]: what the User-Agent says (ua-parser's family and major version, memoised;
//!   tools, headless browsers, self-declared bots);
//! - [`nets`]: crawlers' published ranges and corporate proxies (address in network);
//! - [`rate`]: a client's request rate at a PoP (two fixed windows);
//! - [`model`]: the rules, in the Python model's order, and the `request.cf` JSON.
//!
//! Sans-I/O: the caller passes `now`.

pub mod agent;
pub mod model;
pub mod nets;
pub mod rate;

pub use agent::{AgentParser, UaRule};
pub use model::{BotModel, Verdict};
pub use nets::{Crawler, NetList};
pub use rate::RateTracker;
