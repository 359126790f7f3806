//! The bot score of one request: a transparent, rule-based model of what a PoP can see
//! (`docs/bots.md`; the detection ids' meanings are `edgert.bots.DETECTIONS`).
//!
//! Theory of operation. The request is counted at its PoP first (the rate: requests in the
//! last 10 s from this client, by `cf-connecting-ip`, else by the caller's key). Then:
//! 1. the User-Agent may decide alone: none (10001), a known crawler from its published
//!    ranges (10004, a verified bot) or from elsewhere (10005), a headless browser (10003), an
//!    automation tool (10002): score 1; an agent that calls itself a bot, spider or crawler
//!    (10006): 5;
//! 2. otherwise a browser claim starts at 95 and loses points for each thing its engine would
//!    have sent and did not, or sent differently (client hints, Fetch Metadata, `accept`,
//!    `accept-language`, gzip, header order, client hints from a non-Chromium browser); an
//!    agent that is no known browser gets 40 (10007);
//! 3. the rate: above 30 it loses 20 points (10201), above 120 the score is capped at 10
//!    (10202).
//!
//! Clamped to 1..99; detection ids are listed in the order the rules fire. Scores below 30
//! are "likely automated", as Cloudflare reads its own. The model reads no clock and draws no
//! random number: the same request at the same rate gets the same score.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::agent::AgentParser;
use super::nets::{Crawler, NetList};
use super::rate::RateTracker;
use crate::http::Headers;

const SOFT_RATE: f64 = 30.0;
const HARD_RATE: f64 = 120.0;

/// Extensions of a static resource (`staticResource`), compared in lower case.
const STATIC: &[&str] = &[
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "woff", "woff2",
    "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav", "pdf", "zip", "gz", "txt", "xml", "json", "wasm",
];

/// What a browser engine sends with a page request (versions are the claimed browser's major
/// version), from the engines' own behaviour on a top-level navigation over HTTP/1.1 and
/// HTTP/2:
///
/// - Chromium (Chrome, Edge, Opera, Samsung Internet, Brave): User-Agent Client Hints
///   (`sec-ch-ua`, `sec-ch-ua-mobile`, `sec-ch-ua-platform`) since 89, Fetch Metadata
///   (`sec-fetch-*`) since 76;
/// - Gecko (Firefox): no client hints; Fetch Metadata since 90;
/// - WebKit (Safari, and every iOS browser, which must use WebKit): no client hints; Fetch
///   Metadata since 16.4.
///
/// Every engine sends `accept`, `accept-language` and an `accept-encoding` with `gzip`.
struct Engine {
    /// First version sending `sec-ch-ua` (`None`: never).
    client_hints_from: Option<i64>,
    /// First version sending `sec-fetch-mode` / `sec-fetch-site`.
    fetch_metadata_from: i64,
    /// Headers in the relative order the engine sends them.
    order: &'static [&'static str],
}

const CHROMIUM: Engine = Engine {
    client_hints_from: Some(89),
    fetch_metadata_from: 76,
    order: &[
        "sec-ch-ua",
        "user-agent",
        "accept",
        "accept-encoding",
        "accept-language",
    ],
};
const GECKO: Engine = Engine {
    client_hints_from: None,
    fetch_metadata_from: 90,
    order: &["user-agent", "accept", "accept-language", "accept-encoding"],
};
const WEBKIT: Engine = Engine {
    client_hints_from: None,
    fetch_metadata_from: 16,
    order: &["accept", "accept-language", "user-agent", "accept-encoding"],
};

/// The engine of a ua-parser browser family, `None` when it is not a known browser.
fn engine_of(family: &str) -> Option<&'static Engine> {
    Some(match family {
        "Chrome"
        | "Chrome Mobile"
        | "Chrome Mobile WebView"
        | "Chromium"
        | "Edge"
        | "Edge Mobile"
        | "Opera"
        | "Samsung Internet"
        | "Brave"
        | "Yandex Browser" => &CHROMIUM,
        "Firefox" | "Firefox Mobile" => &GECKO,
        "Safari"
        | "Mobile Safari"
        | "Mobile Safari UI/WKWebView"
        | "Chrome Mobile iOS"
        | "Firefox iOS"
        | "Edge iOS" => &WEBKIT,
        _ => return None,
    })
}

/// ua-parser families of automation tools (whatever their User-Agent's prefix).
fn tool_family(family: &str) -> bool {
    matches!(
        family,
        "curl" | "Wget" | "Python Requests" | "Python-urllib" | "okhttp" | "Apache-HttpClient" | "Go-http-client"
    )
}

/// The model's answer for one request (`edgert.bots.BotVerdict` in Python).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub score: i64,
    pub verified_bot: bool,
    pub category: String,
    pub static_resource: bool,
    pub corporate_proxy: bool,
    pub detection_ids: Vec<u32>,
}

impl Verdict {
    /// The `request.cf` fields, as Python's `json.dumps` writes them (what `request.cf` JSON
    /// looks like elsewhere in edgert).
    pub fn cf_fields(&self) -> String {
        let ids = self
            .detection_ids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mut out = String::with_capacity(200);
        let _ = write!(
            out,
            "{{\"botManagement\": {{\"score\": {}, \"verifiedBot\": {}, \"staticResource\": {}, \
             \"corporateProxy\": {}, \"detectionIds\": [{ids}], \"ja3Hash\": null, \"ja4\": null}}, \
             \"verifiedBotCategory\": {}}}",
            self.score,
            self.verified_bot,
            self.static_resource,
            self.corporate_proxy,
            python_json_string(&self.category),
        );
        out
    }
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii`).
fn python_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A network's bot model: crawler table, corporate proxies, User-Agent rules, rate counters.
pub struct BotModel {
    agent: AgentParser,
    crawlers: Vec<Crawler>,
    proxies: NetList,
    rates: RateTracker,
}

impl BotModel {
    pub fn new(agent: AgentParser, crawlers: Vec<Crawler>, proxies: NetList, window_s: f64) -> Self {
        BotModel {
            agent,
            crawlers,
            proxies,
            rates: RateTracker::new(window_s),
        }
    }

    /// The verdict for a request with `headers` (in the order they came) for `path` (from the
    /// first `/` after the host, query included), at `pop` at `now`; `fallback_key` counts the
    /// rate when no `cf-connecting-ip` names the address.
    pub fn score(&self, headers: &Headers, path: &str, pop: &str, fallback_key: &str, now: f64) -> Verdict {
        // `Headers` keeps names in ASCII lower case (they are tokens).
        let mut names: Vec<&str> = Vec::with_capacity(headers.len());
        let mut values: HashMap<&str, &str> = HashMap::with_capacity(headers.len());
        for (k, v) in headers.iter() {
            names.push(k);
            values.insert(k, v); // the last of a repeated field wins
        }
        let ip = values.get("cf-connecting-ip").copied();
        let rate = self.rates.hit(pop, ip.unwrap_or(fallback_key), now);
        let static_resource = is_static(path);
        let corporate_proxy = ip.is_some() && self.proxies.contains(ip);
        let mut ids: Vec<u32> = Vec::new();
        let ua = values.get("user-agent").map_or("", |v| v.trim());
        let (mut score, verified_bot, category) = match self.identity(ua, ip, &mut ids) {
            Some(decided) => decided,
            None => {
                let (family, major) = self.agent.parse(ua);
                (browser(&family, major, &names, &values, &mut ids), false, String::new())
            }
        };
        if rate > HARD_RATE {
            ids.push(10202);
            score = score.min(10);
        } else if rate > SOFT_RATE {
            ids.push(10201);
            score -= 20;
        }
        Verdict {
            score: score.clamp(1, 99),
            verified_bot,
            category,
            static_resource,
            corporate_proxy,
            detection_ids: ids,
        }
    }

    /// `cf` (a `request.cf` JSON object) with the verdict's fields appended.
    pub fn cf_json(&self, cf: &str, headers: &Headers, url: &str, pop: &str, fallback_key: &str, now: f64) -> String {
        let verdict = self.score(headers, &url_path(url), pop, fallback_key, now);
        let extra = verdict.cf_fields();
        if cf == "{}" {
            extra
        } else {
            let mut out = String::with_capacity(cf.len() + extra.len() + 2);
            out.push_str(&cf[..cf.len().saturating_sub(1)]);
            out.push_str(", ");
            out.push_str(&extra[1..]);
            out
        }
    }

    /// Step 1: `(score, verified, category)` when the User-Agent decides alone.
    fn identity(&self, ua: &str, ip: Option<&str>, ids: &mut Vec<u32>) -> Option<(i64, bool, String)> {
        if ua.is_empty() {
            ids.push(10001);
            return Some((1, false, String::new()));
        }
        let lower = ua.to_lowercase();
        if let Some(crawler) = self.crawlers.iter().find(|c| lower.contains(&c.token_lower)) {
            if crawler.networks.contains(ip) {
                ids.push(10004);
                return Some((1, true, crawler.category.clone()));
            }
            ids.push(10005);
            return Some((1, false, String::new()));
        }
        if self.agent.is_headless(ua) {
            ids.push(10003);
            return Some((1, false, String::new()));
        }
        if self.agent.is_tool(ua) || tool_family(&self.agent.parse(ua).0) {
            ids.push(10002);
            return Some((1, false, String::new()));
        }
        if self.agent.is_self_declared(ua) {
            ids.push(10006);
            return Some((5, false, String::new()));
        }
        None
    }
}

/// Step 2: the score of a browser claim from its headers.
fn browser(family: &str, major: i64, names: &[&str], values: &HashMap<&str, &str>, ids: &mut Vec<u32>) -> i64 {
    let Some(engine) = engine_of(family) else {
        ids.push(10007);
        return 40;
    };
    let mut score = 95;
    let hints = values.contains_key("sec-ch-ua");
    if engine.client_hints_from.is_some_and(|from| major >= from) && !hints {
        ids.push(10101);
        score -= 35;
    }
    if engine.client_hints_from.is_none() && hints {
        ids.push(10106);
        score -= 50;
    }
    if major >= engine.fetch_metadata_from
        && !(values.contains_key("sec-fetch-mode") && values.contains_key("sec-fetch-site"))
    {
        ids.push(10102);
        score -= 30;
    }
    if !values.contains_key("accept") {
        ids.push(10107);
        score -= 15;
    }
    if !values.contains_key("accept-language") {
        ids.push(10103);
        score -= 25;
    }
    if !values
        .get("accept-encoding")
        .is_some_and(|v| v.to_lowercase().contains("gzip"))
    {
        ids.push(10104);
        score -= 15;
    }
    if !in_order(names, engine.order) {
        ids.push(10105);
        score -= 30;
    }
    score
}

/// Whether the headers of `order` that are present come in that relative order (the first
/// occurrence of each counts).
fn in_order(names: &[&str], order: &[&str]) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    let mut last = None;
    for n in names {
        let Some(pos) = order.iter().position(|o| o == n) else {
            continue;
        };
        if seen.contains(&order[pos]) {
            continue;
        }
        seen.push(order[pos]);
        if last.is_some_and(|l| pos < l) {
            return false;
        }
        last = Some(pos);
    }
    true
}

/// The path of `url` (query included): what follows the first `/` after the scheme's `://`.
fn url_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let after = rest.split_once('/').map_or("", |(_, p)| p);
    format!("/{after}")
}

/// Whether the path's last segment (before any query) ends in a static extension.
fn is_static(path: &str) -> bool {
    let before_query = path.split('?').next().unwrap_or("");
    let last = before_query.rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((_, ext)) => STATIC.contains(&ext.to_lowercase().as_str()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bots::agent::UaRule;

    fn model() -> BotModel {
        let rules = vec![
            UaRule {
                regex: r"(HeadlessChrome)(?:/(\d+)\.(\d+)\.(\d+)|)".into(),
                ..UaRule::default()
            },
            UaRule {
                regex: r"(Chrome)/(\d+)\.(\d+)".into(),
                ..UaRule::default()
            },
            UaRule {
                regex: r"(Firefox)/(\d+)\.(\d+)".into(),
                ..UaRule::default()
            },
            UaRule {
                regex: r"^(curl)/(\d+)\.(\d+)".into(),
                ..UaRule::default()
            },
        ];
        let google = Crawler {
            name: "Googlebot".into(),
            token_lower: "googlebot".into(),
            category: "Search Engine Crawler".into(),
            networks: NetList::parse(["66.249.64.0/19"]).unwrap(),
        };
        BotModel::new(
            AgentParser::new(rules).unwrap(),
            vec![google],
            NetList::parse(["203.0.113.0/24"]).unwrap(),
            10.0,
        )
    }

    fn headers(pairs: &[(&str, &str)]) -> Headers {
        Headers::try_from_pairs(pairs.iter().copied()).unwrap()
    }

    const CHROME: &[(&str, &str)] = &[
        ("sec-ch-ua", "\"Chromium\";v=\"120\""),
        (
            "user-agent",
            "Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36",
        ),
        ("accept", "text/html"),
        ("sec-fetch-site", "none"),
        ("sec-fetch-mode", "navigate"),
        ("accept-encoding", "gzip, br"),
        ("accept-language", "en"),
    ];

    #[test]
    fn a_real_chrome_is_human() {
        let v = model().score(&headers(CHROME), "/", "NRT", "c", 1.0);
        assert_eq!((v.score, v.detection_ids.clone()), (95, vec![]));
    }

    #[test]
    fn chrome_without_hints_and_out_of_order() {
        let mut pairs: Vec<_> = CHROME[1..].to_vec();
        pairs.swap(4, 5); // accept-language before accept-encoding
        let v = model().score(&headers(&pairs), "/", "NRT", "c", 1.0);
        assert_eq!(v.detection_ids, vec![10101, 10105]);
        assert_eq!(v.score, 95 - 35 - 30);
    }

    #[test]
    fn crawlers_tools_and_the_rate() {
        let m = model();
        let google = headers(&[("user-agent", "Googlebot/2.1"), ("cf-connecting-ip", "66.249.66.1")]);
        let v = m.score(&google, "/a.css?x", "NRT", "c", 1.0);
        assert!(v.verified_bot && v.static_resource && v.category == "Search Engine Crawler");
        let fake = headers(&[("user-agent", "Googlebot/2.1"), ("cf-connecting-ip", "203.0.113.9")]);
        let v = m.score(&fake, "/", "NRT", "c", 1.0);
        assert_eq!(
            (v.verified_bot, v.corporate_proxy, v.detection_ids.clone()),
            (false, true, vec![10005])
        );
        let curl = headers(&[("user-agent", "curl/8.4.0")]);
        let mut last = m.score(&curl, "/", "FRA", "k", 100.0);
        for i in 0..130 {
            last = m.score(&curl, "/", "FRA", "k", 100.0 + f64::from(i) * 0.01);
        }
        assert_eq!(last.detection_ids, vec![10002, 10202]);
        assert_eq!(m.score(&headers(&[]), "/", "FRA", "z", 1.0).detection_ids, vec![10001]);
    }

    #[test]
    fn cf_json_is_pythons() {
        let m = model();
        let cf = m.cf_json(
            "{\"colo\": \"NRT\"}",
            &headers(&[]),
            "http://a.test/x.png",
            "NRT",
            "k",
            1.0,
        );
        assert_eq!(
            cf,
            "{\"colo\": \"NRT\", \"botManagement\": {\"score\": 1, \"verifiedBot\": false, \"staticResource\": true, \
             \"corporateProxy\": false, \"detectionIds\": [10001], \"ja3Hash\": null, \"ja4\": null}, \
             \"verifiedBotCategory\": \"\"}"
        );
        assert_eq!(url_path("https://h/a/b?c"), "/a/b?c");
        assert_eq!(url_path("https://h"), "/");
    }
}
