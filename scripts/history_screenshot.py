"""Open the published asv history in headless Chromium: read a graph, save a screenshot of it.

    .venv/bin/python scripts/history_screenshot.py [--html html] [--out html/single-symbol.png]
                                                   [--cache .asv/vendor]

asv's page loads jQuery, flot ... from CDNs, which these machines cannot reach: the html directory
is first made self-contained (alphapulse_perf.publish.offline_html: the same libraries from npm,
cached in --cache, copied to html/vendor/). asv's page loads its data with XMLHttpRequest, which
browsers refuse on file:// URLs, so the page is served on 127.0.0.1 for the duration, and every
request elsewhere is refused: what renders here renders offline. Needs Chromium (Debian's package
`chromium`), node's npm, and the Python package `playwright` (driving that Chromium; no browser
download).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from alphapulse_perf.publish.offline_html import make_offline
from alphapulse_perf.publish.vendor import OfflineHtmlError

if TYPE_CHECKING:
    from playwright.sync_api import Route

BENCHMARK = "bench_single_symbol.SingleSymbolDetection.time_detect"
PARAMS = {"candles": "1000"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# flot keeps its plot object on the placeholder; its series hold [x, y] points (y null: no result).
POINTS_JS = """() => {
    const plot = $('#main-graph').data('plot');
    if (!plot) { return null; }
    return plot.getData().map(s => s.data.filter(p => p[1] !== null && !isNaN(p[1])).length);
}"""


class PageError(RuntimeError):
    """The page did not draw the graph; says what the browser saw."""


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("no Chromium on PATH: apt-get install chromium")


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _local_only(route: Route, base: str) -> None:
    """Let the page reach the local server only: a CDN request must fail here as it does offline."""
    if urlsplit(route.request.url).netloc == urlsplit(base).netloc:
        route.continue_()
    else:
        route.abort()


def graph_points(
    html_dir: Path,
    benchmark: str = BENCHMARK,
    params: dict[str, str] | None = None,
    screenshot: Path | None = None,
) -> list[int]:
    """How many points each plotted series of `benchmark` shows; optionally save a screenshot."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    selection = "".join(f"&p-{k}={v}" for k, v in (params or PARAMS).items())
    with serve(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            page.on(
                "requestfailed",
                lambda request: problems.append(f"request failed: {request.url}"),
            )
            page.route("**/*", lambda route: _local_only(route, base))
            page.goto(f"{base}/index.html#{benchmark}?{selection.lstrip('&')}", timeout=30_000)
            try:
                page.wait_for_function(f"({POINTS_JS})() !== null", timeout=30_000)
            except PlaywrightError as error:  # a timeout, or `$` undefined: no jQuery
                said = str(error).splitlines()[0]
                raise PageError(
                    f"no graph of {benchmark} at {page.url} ({said}); "
                    + ("; ".join(problems) or "no script error, no failed request")
                ) from None
            points: list[int] = page.evaluate(POINTS_JS)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=Path("html"), help="asv publish's output")
    parser.add_argument("--out", type=Path, default=Path("html/single-symbol.png"))
    parser.add_argument("--benchmark", default=BENCHMARK)
    parser.add_argument(
        "--cache", type=Path, default=Path(".asv/vendor"), help="npm files of the page's libraries"
    )
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        print(f"{args.html}/index.html is missing: run `asv publish` first", file=sys.stderr)
        return 2
    try:
        make_offline(args.html, args.cache)
    except OfflineHtmlError as error:
        print(f"cannot make {args.html} work offline: {error}", file=sys.stderr)
        return 1
    points = graph_points(args.html, args.benchmark, screenshot=args.out)
    print(f"{args.benchmark}: {points} points per series; screenshot {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
