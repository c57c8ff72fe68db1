"""runtime/summary.py: a crawl's peak memory is its own, not the process that started it."""

import json
import subprocess
import sys

from finews_crawler.runtime.summary import PEAK_MEMORY


def test_the_peak_memory_of_a_crawl_started_by_a_large_process_is_the_crawls_own():
    """Linux keeps ru_maxrss across exec: a crawl started by a 300 MB parent reported 300 MB (test_bounds did)."""
    ballast = bytearray(300 * 1024 * 1024)  # touched: resident in this process
    for page in range(0, len(ballast), 4096):
        ballast[page] = 1
    child = subprocess.run([sys.executable, "-c", "import json; from finews_crawler.runtime.summary import peak_memory; "
                            "print(json.dumps(peak_memory()))"], capture_output=True, text=True, check=True)
    assert json.loads(child.stdout)[PEAK_MEMORY] < 150
    del ballast
