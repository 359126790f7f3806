//! What a User-Agent says about its sender: ua-parser's browser family and major version, and
//! three patterns (automation tools, headless browsers, agents that call themselves bots).

use std::borrow::Cow;
use std::collections::HashMap;

use parking_lot::Mutex;
use regex::Regex;

/// Distinct User-Agents whose parse is remembered (then the memo starts again): parsing one
/// runs ua-parser's few hundred matchers.
const MEMO: usize = 4096;

/// One ua-parser user-agent rule (a row of `regexes.yaml`): the regex and its replacements.
#[derive(Clone, Debug, Default)]
pub struct UaRule {
    pub regex: String,
    pub family: Option<String>,
    pub major: Option<String>,
    pub minor: Option<String>,
    pub patch: Option<String>,
    pub patch_minor: Option<String>,
}

/// The User-Agent side of the model.
pub struct AgentParser {
    extractor: ua_parser::user_agent::Extractor<'static>,
    memo: Mutex<HashMap<String, (String, i64)>>,
    tools: Regex,
    headless: Regex,
    self_declared: Regex,
}

/// Why the rules could not be built.
#[derive(Debug, thiserror::Error)]
#[error("bad User-Agent rule: {0}")]
pub struct RuleError(pub String);

fn owned(s: Option<String>) -> Option<Cow<'static, str>> {
    s.map(Cow::Owned)
}

impl AgentParser {
    /// Builds the parser from ua-parser's user-agent rules, in their order (first match wins).
    pub fn new(rules: Vec<UaRule>) -> Result<Self, RuleError> {
        let mut builder = ua_parser::user_agent::Builder::new();
        for rule in rules {
            builder = builder
                .push(ua_parser::user_agent::Parser {
                    regex: Cow::Owned(rule.regex),
                    family_replacement: owned(rule.family),
                    v1_replacement: owned(rule.major),
                    v2_replacement: owned(rule.minor),
                    v3_replacement: owned(rule.patch),
                    v4_replacement: owned(rule.patch_minor),
                })
                .map_err(|e| RuleError(format!("{e:?}")))?;
        }
        let extractor = builder.build().map_err(|e| RuleError(format!("{e:?}")))?;
        let re = |p: &str| Regex::new(p).expect("static pattern");
        Ok(AgentParser {
            extractor,
            memo: Mutex::new(HashMap::new()),
            // Tools: a prefix of the User-Agent; headless browsers and self-declared bots: anywhere.
            tools: re(concat!(
                r"(?i)^(curl|wget|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|okhttp|",
                r"java/|apache-httpclient|libwww-perl|scrapy|axios|node-fetch|undici|httpie|postmanruntime|",
                r"insomnia|guzzlehttp|ruby|php|powershell|dart|rest-client|lwp::simple|winhttp)"
            )),
            headless: re(r"(?i)headless|phantomjs|puppeteer|playwright|selenium|electron"),
            self_declared: re(r"(?i)bot\b|bot/|crawler|spider|scraper"),
        })
    }

    /// `(family, major version)`: "Other" and 0 when no rule matches, 0 when the major
    /// version is missing or not a number (as Python's `int` reads one).
    pub fn parse(&self, ua: &str) -> (String, i64) {
        if let Some(found) = self.memo.lock().get(ua) {
            return found.clone();
        }
        let parsed = match self.extractor.extract(ua) {
            Some(v) => (v.family.into_owned(), v.major.map_or(0, python_int)),
            None => ("Other".to_owned(), 0),
        };
        let mut memo = self.memo.lock();
        if memo.len() >= MEMO {
            memo.clear();
        }
        memo.insert(ua.to_owned(), parsed.clone());
        parsed
    }

    pub fn is_tool(&self, ua: &str) -> bool {
        self.tools.is_match(ua)
    }

    pub fn is_headless(&self, ua: &str) -> bool {
        self.headless.is_match(ua)
    }

    pub fn is_self_declared(&self, ua: &str) -> bool {
        self.self_declared.is_match(ua)
    }
}

/// Python's `int(text)` for a version number, 0 where it would raise `ValueError`.
fn python_int(text: &str) -> i64 {
    let t = text.trim();
    if t.is_empty() {
        return 0;
    }
    let (sign, digits) = match t.as_bytes()[0] {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => (1, t),
    };
    // Python accepts single underscores between digits.
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return 0;
    }
    let plain: String = digits.chars().filter(|&c| c != '_').collect();
    if !plain.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    plain.parse::<i64>().map_or(0, |n| sign * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome_rule() -> UaRule {
        UaRule {
            regex: r"(Chrome)/(\d+)\.(\d+)".into(),
            ..UaRule::default()
        }
    }

    #[test]
    fn family_and_major_as_python_reads_them() {
        let p = AgentParser::new(vec![chrome_rule()]).unwrap();
        assert_eq!(p.parse("Mozilla/5.0 Chrome/120.0.1"), ("Chrome".into(), 120));
        assert_eq!(p.parse("curl/8.4"), ("Other".into(), 0));
        assert_eq!(python_int("12"), 12);
        assert_eq!(python_int("x1"), 0);
        assert_eq!(python_int("1_0"), 10);
    }

    #[test]
    fn patterns() {
        let p = AgentParser::new(vec![]).unwrap();
        assert!(p.is_tool("curl/8.4.0") && !p.is_tool("my curl"));
        assert!(p.is_headless("Mozilla HeadlessChrome/120"));
        assert!(p.is_self_declared("AcmeBot/1.0") && p.is_self_declared("a spider"));
        assert!(!p.is_self_declared("robotics"));
    }

    #[test]
    fn a_bad_rule_is_an_error() {
        let bad = UaRule {
            regex: "(".into(),
            ..UaRule::default()
        };
        assert!(AgentParser::new(vec![bad]).is_err());
    }
}
