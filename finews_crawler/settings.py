"""Scrapy settings for finews: the defaults of the configuration spine.

Override them with a YAML config (`-s FINEWS_CONFIG=finews.yml`, or a
`finews.yml` in the working directory) or with `-s NAME=value`, which wins.
"""

from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE as _SCRAPY_DOWNLOADER_MIDDLEWARES
from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

BOT_NAME = "finews"
SPIDER_MODULES = ["finews_crawler.spiders"]
NEWSPIDER_MODULE = "finews_crawler.spiders"
COMMANDS_MODULE = "finews_crawler.commands"
ADDONS = {"finews_crawler.config.YamlConfig": 0, "finews_crawler.politeness.PolitenessAddon": 5,
          "finews_crawler.distributed.DistributedAddon": 10}

# --- the source -------------------------------------------------------------
# The source profile (finews_crawler.politeness): auto, replay (a replay site on this machine,
# not throttled) or legacy (the 2021 endpoints on a live host: polite). auto: replay when the
# API base is empty or a loopback address, legacy otherwise.
FINEWS_SOURCE = "auto"
# Today's endpoints (the eastmoney profile presets the live hosts; point them at a replay site to test).
FINEWS_LIST_BASE = ""  # fast-news and column lists
FINEWS_PAGE_BASE = ""  # article pages /a/{code}.html
FINEWS_MOBILE_BASE = ""  # mobile article pages, read when a desktop body is empty
FINEWS_SEARCH_BASE = ""  # the per-stock search, read for the watch-list
FINEWS_STOP_AFTER_REFUSALS = 3  # refusals (HTTP 403, 429) in a row that stop the crawl (exit status 3)
# A run whose article pages needed the generic extractor (or could not be read) more than this
# share of the time ends with a warning that the page template changed, and exit status 4.
FINEWS_TEMPLATE_CHANGE_SHARE = 0.5
# The watch-list: securities whose per-stock search is read besides the feeds (also `-a stocks=`).
FINEWS_WATCH: list[str] = []
FINEWS_SEARCH_PAGE_SIZE = 10
# What the search request sends besides the user agent: the live endpoint refuses requests that do
# not look like they come from its search page.
FINEWS_SEARCH_HEADERS = {"Referer": "https://so.eastmoney.com/", "Accept": "*/*",
                         "Accept-Language": "zh-CN,zh;q=0.9"}
# Options of the search request over its defaults (searchScope, sort; preTag/postTag empty: no highlighting).
FINEWS_SEARCH_OPTIONS: dict[str, str] = {}
# Unset: crawl the bundled replay site on a free loopback port.
FINEWS_API_BASE = ""
FINEWS_SHARE_BASE = ""  # defaults to FINEWS_API_BASE
FINEWS_PUBLIC_SHARE_BASE = ""  # the share link written in posts; defaults to the share base crawled
FINEWS_FEEDS: list[dict] = []  # empty: roll, media and market 37/38/39 (finews_crawler.sources.feeds.DEFAULT_FEEDS)
FINEWS_FEED_PAGE_SIZE = 100
FINEWS_FEED_MAX_PAGES = 10
FINEWS_REPLAY_DIR = ""  # empty: data/site of this checkout
# With no source, the replay site is crawled only into the default output folder below (the demo);
# True: also into a database or export folder of your own (otherwise a configuration error).
FINEWS_DEMO = False
# Incremental runs: an article already in the database is not fetched again, and feed
# paging stops at the first page whose items are all known.
FINEWS_REFRESH = False  # True: fetch known articles again (changed ones are updated)
FINEWS_REFRESH_MAX_AGE = 0  # hours; > 0: fetch known articles again once they are this old

# --- where articles go ------------------------------------------------------
FINEWS_DATABASE_URL = "sqlite:///output/finews.sqlite3"
FINEWS_EXPORT_DIR = "output/site"
FINEWS_STORE_DATABASE = True
FINEWS_STORE_EXPORT = True
FINEWS_SITE_BASE = ""  # "" gives root-relative back links; "finews.example.com" gives //finews.example.com/…
FINEWS_CATEGORY_OVERRIDES: dict[str, str] = {}
# Rotation: after each crawl, posts dated more than N days ago move from _posts/ to the
# archive folder (the scaffold's _config.yml keeps it out of the Jekyll build). 0: off.
FINEWS_ROTATE_DAYS = 0
FINEWS_ROTATE_ARCHIVE = "old_post"
# One run at a time per database and export folder: 0 exits at once (status 75) when another
# run holds the lock; N > 0 waits up to N seconds for it first.
FINEWS_LOCK_WAIT = 0
FINEWS_RUN_LOCK = True  # off only where something else keeps runs apart (distributed workers)
FINEWS_STATS_FILE = ""  # a path: every run's stats as JSON, for monitoring
FINEWS_CLEAN_BUDGET = 10  # seconds one article's cleaning may take (off the reactor thread); longer: dropped
FINEWS_PROGRESS_INTERVAL = 30  # seconds between progress lines (a live bar on a terminal); 0: none

# --- scaling out (scrapy-redis; pip install 'finews[distributed]') --------------
FINEWS_REDIS_URL = ""  # redis://[:password@]host:6379/0 — set: share one request queue over Redis
FINEWS_REDIS_PREFIX = "finews"  # key prefix of this job's queue, fingerprints and coordinator key
FINEWS_ROLE = "coordinator"  # one coordinator reads the feeds; "worker": only fetch from the queue
FINEWS_WORKER_WAIT = 30  # seconds a worker waits for a coordinator to appear

# --- politeness and robustness ---------------------------------------------
USER_AGENT = "finews/0.1 (news mirror crawler; Scrapy)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 64
# The same bound per host: with no delay, Scrapy can run CONCURRENT_REQUESTS at once to one host whatever the
# per-host value (politeness.overshoot_warning), and keeps only CONCURRENT_REQUESTS_PER_DOMAIN connections per
# host alive: at 32 of 64, every other request opened a new connection (bench/README.md, issue 13).
CONCURRENT_REQUESTS_PER_DOMAIN = 64
# A page yields one article (or a feed page's requests): Scrapy starts CONCURRENT_ITEMS tasks per
# response to process its output, so its default (100) cost more CPU than reading the page did.
CONCURRENT_ITEMS = 1
# Scrapy re-reads a generator callback's source (inspect + ast) to warn about `return value` whenever its
# weak cache has lost the bound method (on many responses); finews's generator callbacks return no value.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy stops downloading while the responses being processed add up to this many bytes (each counted as at
# least 1 KiB). Its default, 5 MB, let ~1,400 articles wait for the cleaning processes when they were the
# bottleneck, ~35 MB more at the peak. 1 MB was below what the store alone holds (a batch of up to 100
# being written and the next one filling, ~1.5 MB of pages): the downloader stopped every batch, 5-10 % of
# the rate at 100 ms latency. 2 MB holds both batches for ~5-8 MB more at the peak; more bought no
# measurable rate for more memory (bench/README.md).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 2_000_000
DOWNLOAD_DELAY = 0
# The replay profile (a site on this machine) is not throttled: AutoThrottle read the crawl's own CPU queueing
# as server latency and slowed it by a fifth at 100 ms (bench/README.md). Every live profile turns it on
# (politeness.POLITE).
AUTOTHROTTLE_ENABLED = False
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3

# Only the web: no file://, ftp://, s3:// or data: URL is ever fetched, whatever a page or queue says.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

# The remote-control extension (Scrapy 2.19) executes code; the telnet console too.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Left out of Scrapy's base list rather than set to None: Scrapy imports every listed component
# to normalise the list, and these two pull in aiohttp and Twisted's conch (~100 ms, ~10 MB a run).
# finews's progress line replaces the per-minute page counter (LogStats).
_LEFT_OUT = ("scrapy.extensions.remote_control.RemoteControl", "scrapy.extensions.telnet.TelnetConsole",
             "scrapy.extensions.logstats.LogStats")
EXTENSIONS_BASE = {path: order for path, order in _SCRAPY_EXTENSIONS.items() if path not in _LEFT_OUT}
# Cookies are off (COOKIES_ENABLED), and the cookies middleware's module imports tldextract and requests.
DOWNLOADER_MIDDLEWARES_BASE = {path: order for path, order in _SCRAPY_DOWNLOADER_MIDDLEWARES.items()
                               if path != "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"}
del _SCRAPY_EXTENSIONS, _SCRAPY_DOWNLOADER_MIDDLEWARES, _LEFT_OUT
EXTENSIONS = {
    "finews_crawler.summary.RunSummary": 500,
    "finews_crawler.logs.Progress": 510,
    "finews_crawler.jobdir.JobDirGuard": 0,
}

DOWNLOADER_MIDDLEWARES = {
    # Only the configured source hosts, whatever a request's dont_filter or a redirect says.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "finews_crawler.offsite.SourceOnly": 50,
    "finews_crawler.politeness.SourcePoliteness": 60,
}

# Spider middlewares finews has no use for, each an async generator wrapped around every callback's output:
# every request is built from a validated infoCode and a configured base (no depth to limit, no URL to
# measure), and MetaCopyDetection is a development aid.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

ITEM_PIPELINES = {
    "finews_crawler.pipelines.validate.ValidatePipeline": 100,
    "finews_crawler.pipelines.clean.CleanPipeline": 200,
    "finews_crawler.pipelines.attribution.AttributionPipeline": 300,
    "finews_crawler.pipelines.categorise.CategorisePipeline": 400,
    "finews_crawler.pipelines.store.StorePipeline": 800,
}

LOG_LEVEL = "INFO"
STATS_DUMP = False  # the stats go to DEBUG and FINEWS_STATS_FILE; the summary line is the run's last
LOG_FORMATTER = "finews_crawler.logformatter.FinewsLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
