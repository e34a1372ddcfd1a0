"""Make the HTML history `asv publish` writes work without a network.

asv 0.6.6 writes html/index.html with <script> and <link> tags that load jQuery, flot, bootstrap
... from CDNs (code.jquery.com, cdnjs.cloudflare.com, cdn.jsdelivr.net), each guarded by an SRI
`integrity` attribute and `onerror="js_load_failure()"` (which sends the reader to error.html). The
machines of this project reach only the package registries, so the page stops at `$ is not
defined`. The same files exist as npm packages, and npm is reachable: `npm pack` downloads them
into a cache, and `make_offline` copies them to html/vendor/ and points the tags there.

    alphapulse-perf publish [--html html] [--cache .asv/vendor]   # asv publish, then this

`asv publish` rewrites index.html every time, so run this after every publish; it is idempotent.
An external URL that the table (`vendor.ASSETS`) does not know is an error (naming the file and the
URL): an asv upgrade that adds or moves a library must be noticed, not half-rendered.

Reading (html files), deciding (pure functions on text) and writing (`_files.write_atomic`: whole
or not at all, fsynced) stay apart; nothing is written before every decision is made, so an
unknown URL leaves the directory as it was.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path

from alphapulse_perf._files import write_atomic
from alphapulse_perf.publish.vendor import (
    ASSETS,
    Asset,
    OfflineHtmlError,
    UnknownUrlError,
    fetch_assets,
)

__all__ = ["VENDOR_DIR", "make_offline", "plan_html", "rewrite_html"]

VENDOR_DIR = "vendor"
# Attributes that only make sense for a cross-origin CDN load: the SRI hash of the CDN's file (the
# npm file is not always the same bytes: flot's .min, stupidtable's version) and its CORS mode.
DROPPED_ATTRIBUTES = frozenset({"integrity", "crossorigin", "referrerpolicy"})
# <link rel=...> values that make the browser load the URL (rel="alternate" is only a link).
LOADING_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload"})


# One attribute inside a start tag that html.parser found: leading space, name, optional value.
_ATTRIBUTE = re.compile(r"""(\s+)([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


# --- deciding (pure) --------------------------------------------------------------------------


class _LoadingTags(HTMLParser):
    """Every <script> and <link> start tag of a page: where it starts, its text as written, and
    its attributes as a browser reads them (names lower-cased, character references decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "link"):
            text = self.get_starttag_text() or ""
            values = {name: value or "" for name, value in attrs}
            self.found.append((self.getpos(), text, tag, values))

    handle_startendtag = handle_starttag  # <link ... />


def _resource_attribute(tag: str, attributes: Mapping[str, str]) -> str | None:
    """Which attribute of this tag makes the browser load a URL, if any."""
    if tag == "script":
        return "src"
    rels = set(attributes.get("rel", "").lower().split())
    return "href" if rels & LOADING_RELS else None


def _retarget(written: str, tag: str, attribute: str, target: str) -> str:
    """The start tag `written` with `attribute` pointing at `target` and the CDN-only attributes
    gone; every other byte as it was written."""
    pieces: list[str] = []
    position = 0
    for m in _ATTRIBUTE.finditer(written, 1 + len(tag)):  # after "<" and the tag's name
        pieces.append(written[position : m.start()])
        position = m.end()
        name = m.group(2).lower()
        if name in DROPPED_ATTRIBUTES:
            continue
        if name == attribute:
            pieces.append(f'{m.group(1)}{m.group(2)}="{html.escape(target)}"')
        else:
            pieces.append(m.group(0))
    pieces.append(written[position:])
    return "".join(pieces)


def rewrite_html(
    text: str, assets: Sequence[Asset] = ASSETS, vendor: str = VENDOR_DIR
) -> tuple[str, list[str]]:
    """Point every known CDN tag of `text` at `vendor/<name>`; return the text and unknown URLs.

    `html.parser` finds the tags (so a "<script" inside a comment or a script is not one) and
    reads their attributes; only the URL changes and the CDN-only attributes go (integrity,
    crossorigin, referrerpolicy); everything else, `onerror` included, stays as asv wrote it,
    byte for byte. Tags already pointing at a relative path are left alone, which makes a second
    pass a no-op.
    """
    by_url = {asset.url: asset for asset in assets}
    parser = _LoadingTags()
    parser.feed(text)
    parser.close()
    starts = [0] + [k + 1 for k, char in enumerate(text) if char == "\n"]  # line -> offset
    unknown: list[str] = []
    pieces: list[str] = []
    position = 0
    for (line, column), written, tag, values in parser.found:
        attribute = _resource_attribute(tag, values)
        if attribute is None or not _EXTERNAL.match(values.get(attribute, "")):
            continue
        url = values[attribute].strip()
        asset = by_url.get(url)
        if asset is None:
            unknown.append(url)
            continue
        start = starts[line - 1] + column
        pieces += [
            text[position:start],
            _retarget(written, tag, attribute, f"{vendor}/{asset.name}"),
        ]
        position = start + len(written)
    pieces.append(text[position:])
    return "".join(pieces), unknown


def plan_html(
    html_dir: Path, texts: Mapping[Path, str], assets: Sequence[Asset] = ASSETS
) -> dict[Path, str]:
    """The html files that change, with their new text; raises UnknownUrlError for any file."""
    changed: dict[Path, str] = {}
    unknown: list[tuple[str, str]] = []
    for path, text in texts.items():
        vendor = posixpath.relpath((html_dir / VENDOR_DIR).as_posix(), path.parent.as_posix())
        new, missing = rewrite_html(text, assets, vendor)
        unknown.extend((str(path), url) for url in missing)
        if new != text:
            changed[path] = new
    if unknown:
        raise UnknownUrlError(unknown)
    return changed


def plan_vendor(
    html_dir: Path, sources: Mapping[str, bytes], existing: Mapping[Path, bytes | None],
    assets: Sequence[Asset],
) -> dict[Path, bytes]:  # fmt: skip
    """The vendor files to (re)write: those missing or different from the cached npm file."""
    wanted = {html_dir / VENDOR_DIR / a.name: sources[a.url] for a in assets}
    return {path: data for path, data in wanted.items() if existing.get(path) != data}


# --- reading ----------------------------------------------------------------------------------


def read_html_files(html_dir: Path) -> dict[Path, str]:
    """Every .html file under `html_dir` (vendor/ aside), decoded as asv writes them (UTF-8)."""
    vendor = html_dir / VENDOR_DIR
    return {
        path: path.read_bytes().decode("utf-8")
        for path in sorted(html_dir.rglob("*.html"))
        if vendor not in path.parents and path.is_file()
    }


def _read_if_file(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


# --- the two entry points ---------------------------------------------------------------------


def make_offline(
    html_dir: Path, cache_dir: Path, assets: Sequence[Asset] = ASSETS, npm: str = "npm"
) -> list[Path]:
    """Make asv's published `html_dir` self-contained; return the files written (none if done).

    Vendor files are written before the html that points at them, so a page interrupted half
    way still loads (from the CDN or from vendor/), never from a missing file.
    """
    texts = read_html_files(html_dir)
    if not texts:
        raise OfflineHtmlError(f"no .html file in {html_dir}: run `asv publish` first")
    html_changes = plan_html(html_dir, texts, assets)
    sources = {url: path.read_bytes() for url, path in fetch_assets(cache_dir, assets, npm).items()}
    vendor_paths = [html_dir / VENDOR_DIR / a.name for a in assets]
    existing = {path: _read_if_file(path) for path in vendor_paths}
    vendor_changes = plan_vendor(html_dir, sources, existing, assets)

    written: list[Path] = []
    (html_dir / VENDOR_DIR).mkdir(exist_ok=True)
    for path, data in vendor_changes.items():
        write_atomic(path, data)
        written.append(path)
    for path, text in html_changes.items():
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
