//! Bot management in the core: `request.cf.botManagement` (`docs/bots.md`), the one
//! implementation of the model, for the servers' requests (the native front calls it without
//! Python) and the simulator's (`edgert.bots.BotManagement` calls it with its virtual `now`).
//!
//! The Python control plane hands over its configuration when it builds the model: the
//! crawler table, the corporate proxies and ua-parser's own matchers (the
//! `ua-parser-builtins` regexes, which Python's `ua_parser` runs through this same
//! `ua-parser` crate).
//!
//! - [`agent`]: what the User-Agent says (ua-parser's family and major version, memoised;
//!   tools, headless browsers, self-declared bots);
//! - [`nets`]: crawlers' published ranges and corporate proxies (address in network);
//! - [`rate`]: a client's request rate at a PoP (two fixed windows);
//! - [`model`]: the rules, the engines' header facts, and the `request.cf` JSON.
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
