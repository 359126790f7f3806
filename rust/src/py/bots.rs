//! `edgert._core.BotModel`: the bot model of `crate::bots` (the only one), built from the
//! tables `edgert.bots.BotManagement` holds; it scores the servers' requests and the
//! simulator's alike (the caller passes `now`: the wall clock or the virtual one).

use std::sync::Arc;

use pyo3::prelude::*;

use super::errors::error;
use crate::bots::{AgentParser, BotModel, Crawler, NetList, UaRule};
use crate::http::Headers;

type RuleRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A network's bot model: its tables, the User-Agent rules and the rate counters.
#[pyclass(module = "edgert._core", name = "BotModel", frozen)]
pub struct PyBotModel {
    pub inner: Arc<BotModel>,
}

fn headers(py: Python<'_>, pairs: Vec<(String, String)>) -> PyResult<Headers> {
    Headers::try_from_pairs(pairs).map_err(|e| error(py, "RequestError", format!("bad header: {e}")))
}

#[pymethods]
impl PyBotModel {
    /// `ua_rules`: ua-parser's user-agent matchers as `(regex, family, major, minor, patch,
    /// patch_minor)`, in order; `crawlers`: `(name, token, category, [cidr, ...])`, first
    /// match wins; `proxies`: corporate proxy CIDRs; `window_s`: the rate window.
    #[new]
    #[pyo3(signature = (*, ua_rules, crawlers, proxies, window_s=10.0))]
    fn new(
        py: Python<'_>,
        ua_rules: Vec<RuleRow>,
        crawlers: Vec<(String, String, String, Vec<String>)>,
        proxies: Vec<String>,
        window_s: f64,
    ) -> PyResult<Self> {
        if !(window_s.is_finite() && window_s > 0.0) {
            return Err(error(
                py,
                "ConfigError",
                format!("bot rate window must be > 0 s, not {window_s}"),
            ));
        }
        let rules = ua_rules
            .into_iter()
            .map(|(regex, family, major, minor, patch, patch_minor)| UaRule {
                regex,
                family,
                major,
                minor,
                patch,
                patch_minor,
            })
            .collect();
        let agent = AgentParser::new(rules).map_err(|e| error(py, "ConfigError", e.to_string()))?;
        let mut table = Vec::with_capacity(crawlers.len());
        for (name, token, category, ranges) in crawlers {
            let networks =
                NetList::parse(&ranges).map_err(|e| error(py, "ConfigError", format!("crawler {name:?}: {e}")))?;
            table.push(Crawler {
                token_lower: token.to_lowercase(),
                name,
                category,
                networks,
            });
        }
        let proxies = NetList::parse(&proxies).map_err(|e| error(py, "ConfigError", format!("proxies: {e}")))?;
        Ok(PyBotModel {
            inner: Arc::new(BotModel::new(agent, table, proxies, window_s)),
        })
    }

    /// `cf` (a `request.cf` JSON object) with `botManagement` and `verifiedBotCategory` for a
    /// request to `url` with `headers` at `pop` at `now` (counted in the rate; `key` counts it
    /// when no `cf-connecting-ip` header names the client).
    #[pyo3(signature = (cf, headers, url, pop, key, now))]
    #[allow(clippy::too_many_arguments)]
    fn cf_json(
        &self,
        py: Python<'_>,
        cf: &str,
        headers: Vec<(String, String)>,
        url: &str,
        pop: &str,
        key: &str,
        now: f64,
    ) -> PyResult<String> {
        let headers = self::headers(py, headers)?;
        Ok(self.inner.cf_json(cf, &headers, url, pop, key, now))
    }

    /// The verdict for a request with `headers` for `path` (query included) at `pop` at `now`
    /// (counted in the rate, as `cf_json` counts it): `(score, verified_bot, category,
    /// static_resource, corporate_proxy, detection_ids)`.
    #[pyo3(signature = (headers, path, pop, key, now))]
    fn score(
        &self,
        py: Python<'_>,
        headers: Vec<(String, String)>,
        path: &str,
        pop: &str,
        key: &str,
        now: f64,
    ) -> PyResult<(i64, bool, String, bool, bool, Vec<u32>)> {
        let headers = self::headers(py, headers)?;
        let v = self.inner.score(&headers, path, pop, key, now);
        Ok((
            v.score,
            v.verified_bot,
            v.category,
            v.static_resource,
            v.corporate_proxy,
            v.detection_ids,
        ))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBotModel>()
}
