"""Bot management: ``request.cf.botManagement`` from what a PoP can see (``docs/bots.md``).

The rules run in Rust (``rust/src/bots/``); this package holds a network's configuration of
them and the way in:

- :mod:`.crawlers`: the table of known crawlers, their categories and published IP ranges;
- :mod:`.model`: :class:`BotManagement` (a network's model: tables, rate window, the Rust
  model made from them), the verdict, the detection ids;
- :mod:`.native`: what crosses into Rust, and the servers' per-request call.
"""

from edgert.bots.crawlers import Crawler, CrawlerTable, default_crawlers
from edgert.bots.model import DETECTIONS, BotManagement, BotVerdict

__all__ = [
    "DETECTIONS",
    "BotManagement",
    "BotVerdict",
    "Crawler",
    "CrawlerTable",
    "default_crawlers",
]
