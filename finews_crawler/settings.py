"""Scrapy settings for finews: the defaults of the configuration spine.

Override them with a YAML config (`-s FINEWS_CONFIG=finews.yml`, or a
`finews.yml` in the working directory) or with `-s NAME=value`, which wins.
"""

from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE as _SCRAPY_DOWNLOADER_MIDDLEWARES
from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

from finews_crawler.config.options import finews_defaults

BOT_NAME = "finews"
SPIDER_MODULES = ["finews_crawler.spiders"]
NEWSPIDER_MODULE = "finews_crawler.spiders"
COMMANDS_MODULE = "finews_crawler.commands"
ADDONS = {"finews_crawler.config.YamlConfig": 0, "finews_crawler.politeness.PolitenessAddon": 5,
          "finews_crawler.distributed.DistributedAddon": 10}

# --- finews's own settings ---------------------------------------------------
# Every FINEWS_* default comes from the one table of options (finews_crawler/config/options.py), which
# also documents them (docs/configuration.md) and writes finews.example.yml.
globals().update(finews_defaults())

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
# (sources.profiles.POLITE).
AUTOTHROTTLE_ENABLED = False
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3

# Only the web: no file://, ftp://, s3:// or data: URL is ever fetched, whatever a page or queue says. HTTP(S)
# answers have bounded headers (finews_crawler.download_handler), as DOWNLOAD_MAXSIZE bounds their bodies.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None,
                     "http": "finews_crawler.download_handler.HeaderBoundedDownloadHandler",
                     "https": "finews_crawler.download_handler.HeaderBoundedDownloadHandler"}

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
    "finews_crawler.runtime.summary.RunSummary": 500,
    "finews_crawler.runtime.logs.Progress": 510,
    "finews_crawler.runtime.jobdir.JobDirGuard": 0,
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
    "finews_crawler.pipelines.attribute.AttributionPipeline": 300,
    "finews_crawler.pipelines.categorise.CategorisePipeline": 400,
    "finews_crawler.pipelines.store.StorePipeline": 800,
}

LOG_LEVEL = "INFO"
STATS_DUMP = False  # the stats go to DEBUG and FINEWS_STATS_FILE; the summary line is the run's last
LOG_FORMATTER = "finews_crawler.logformatter.FinewsLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
