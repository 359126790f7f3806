"""Bot management: ``request.cf.botManagement`` from what a PoP can see (``docs/bots.md``).

- :mod:`.crawlers`: the table of known crawlers, their categories and published IP ranges;
- :mod:`.browsers`: the headers each browser family sends, and in which order;
- :mod:`.rate`: a client's request rate at a PoP;
- :mod:`.model`: the scoring rules, each with its detection id;
- :mod:`.native`: the same model in Rust (``edgert._core.BotModel``) for the servers' requests;
- :mod:`.traffic`: bot and human requests with labels, for the simulator.
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
