"""Make the HTML history `asv publish` writes work without a network.

asv 0.6.6 writes html/index.html with <script> and <link> tags that load jQuery, flot, bootstrap
... from CDNs (code.jquery.com, cdnjs.cloudflare.com, cdn.jsdelivr.net), each guarded by an SRI
`integrity` attribute and `onerror="js_load_failure()"` (which sends the reader to error.html). The
machines of this project reach only the package registries, so the page stops at `$ is not
defined`. The same files exist as npm packages, and npm is reachable: `npm pack` downloads them
into a cache, and `make_offline` copies them to html/vendor/ and points the tags there.

    alphapulse-perf publish [--html html] [--cache .asv/vendor]   # asv publish, then this

`asv publish` rewrites index.html every time, so run this after every publish; it is idempotent.
An external URL that the table below does not know is an error (naming the file and the URL): an
asv upgrade that adds or moves a library must be noticed, not half-rendered.

The module keeps reading (html files, npm tarballs), deciding (pure functions on text and bytes)
and writing (`alphapulse_perf._files.write_atomic`: whole or not at all, fsynced) apart; nothing
is written before every decision is made, so an unknown URL leaves the directory as it was.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import posixpath
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from alphapulse_perf._files import write_atomic

__all__ = [
    "ASSETS",
    "VENDOR_DIR",
    "Asset",
    "OfflineHtmlError",
    "UnknownUrlError",
    "fetch_assets",
    "make_offline",
    "plan_html",
    "rewrite_html",
]

VENDOR_DIR = "vendor"
# Attributes that only make sense for a cross-origin CDN load: the SRI hash of the CDN's file (the
# npm file is not always the same bytes: flot's .min, stupidtable's version) and its CORS mode.
DROPPED_ATTRIBUTES = frozenset({"integrity", "crossorigin", "referrerpolicy"})
# <link rel=...> values that make the browser load the URL (rel="alternate" is only a link).
LOADING_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload"})
MAX_MEMBER_BYTES = 16 * 1024 * 1024  # a tarball entry larger than this is not a JS/CSS file
NPM_TIMEOUT_S = 300


class OfflineHtmlError(RuntimeError):
    """Why the published history cannot be made self-contained (npm, a tarball, a file)."""


class UnknownUrlError(OfflineHtmlError):
    """External URLs the asset table does not know; `found` lists (file, URL) pairs."""

    def __init__(self, found: Sequence[tuple[str, str]]) -> None:
        lines = "\n".join(f"  {where}: {url}" for where, url in found)
        super().__init__(
            "external URLs not in alphapulse_perf.publish.offline_html.ASSETS (did asv change its "
            f"libraries? add them to the table):\n{lines}"
        )
        self.found = list(found)


@dataclass(frozen=True)
class Asset:
    """One CDN file of asv's page, and where the same library lives on npm.

    `integrity` is the SRI hash of the npm file we vendor: for most it equals the CDN's own
    `integrity` attribute (the bytes are identical); for the substitutes it pins the npm file, so
    a republished package or a wrong table entry stops the build instead of shipping other code.
    """

    url: str  # exactly as asv 0.6.6 writes it in html/index.html
    spec: str  # npm `name@version`
    member: str  # path inside the npm tarball (npm puts everything under package/)
    integrity: str  # "sha256-<base64>" (or sha384/sha512) of that member

    @property
    def name(self) -> str:
        """The file's name under html/vendor/ (the table keeps these unique)."""
        return PurePosixPath(self.member).name

    @property
    def package(self) -> str:
        """The npm package name, without the version."""
        return self.spec.rpartition("@")[0]

    @property
    def version(self) -> str:
        return self.spec.rpartition("@")[2]


_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_FLOT = f"{_CDNJS}/flot/0.8.3"
ASSETS: tuple[Asset, ...] = (
    Asset(
        "https://code.jquery.com/jquery-3.3.1.min.js",
        "jquery@3.3.1",
        "package/dist/jquery.min.js",
        "sha256-FgpCb/KJQlLNfOu91ta32o/NMZxltwRo8QtmkMRdAu8=",  # = the CDN's
    ),
    # flot's npm package ships no .min files: the plain ones are the same code, unminified.
    Asset(
        f"{_FLOT}/jquery.flot.min.js",
        "flot@0.8.3",
        "package/jquery.flot.js",
        "sha256-t7kx8nPDixJ3ucbB9OBcTsCYhaSHvdrzJ54tfkmjjhI=",
    ),
    Asset(
        f"{_FLOT}/jquery.flot.time.min.js",
        "flot@0.8.3",
        "package/jquery.flot.time.js",
        "sha256-pYLIMq3HE4prBar2HxbrrCdHAfG+Sv6nfnOaHDS5xBo=",
    ),
    Asset(
        f"{_FLOT}/jquery.flot.selection.min.js",
        "flot@0.8.3",
        "package/jquery.flot.selection.js",
        "sha256-5shfbB6+S02inYriOMfFBgKD8F9+8FT2uRgX0CwJKRg=",
    ),
    Asset(
        f"{_FLOT}/jquery.flot.categories.min.js",
        "flot@0.8.3",
        "package/jquery.flot.categories.js",
        "sha256-boFmSyjqeVxzSQb0qhVhRkCnWsf705mn+5CEBAaYNRo=",
    ),
    Asset(
        "https://cdn.jsdelivr.net/npm/flot-orderbars@1.0.0/js/jquery.flot.orderBars.js",
        "flot-orderbars@1.0.0",
        "package/js/jquery.flot.orderBars.js",
        "sha256-OXNbT0b5b/TgglckAfR8VaJ2ezZv0dHoIeRKjYMKEr8=",  # = the CDN's
    ),
    # stupidtable 1.0.1 was never published to npm; stupid-table-plugin 1.1.3 (same author, same
    # `$.fn.stupidtable` / `$.fn.stupidsort(direction)` API and `aftertablesort` event that
    # asv's summarylist.js and regressions.js use) is.
    Asset(
        f"{_CDNJS}/stupidtable/1.0.1/stupidtable.min.js",
        "stupid-table-plugin@1.1.3",
        "package/stupidtable.min.js",
        "sha256-RkI4Dyjr6e18rCUXk7KB74YgxDhiBdkniPmxL1zOtOA=",
    ),
    Asset(
        f"{_CDNJS}/blueimp-md5/2.19.0/js/md5.min.js",
        "blueimp-md5@2.19.0",
        "package/js/md5.min.js",
        # = the CDN's
        "sha512-8pbzenDolL1l5OPSsoURCx9TEdMFTaeFipASVrMYKhuYtly+k3tcsQYliOEKTmuB1t7yuzAiVo+yd7SJz+ijFQ==",
    ),
    Asset(
        "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/js/bootstrap.min.js",
        "bootstrap@3.1.1",
        "package/dist/js/bootstrap.min.js",
        "sha256-iY0FoX8s/FEg3c26R6iFw3jAtGbzDwcA5QJ1fiS0A6E=",  # = the CDN's
    ),
    # Its glyphicon fonts (../fonts/) are left out: asv's page uses no glyphicon.
    Asset(
        "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/css/bootstrap.min.css",
        "bootstrap@3.1.1",
        "package/dist/css/bootstrap.min.css",
        "sha256-6VA0SGkrc43SYPvX98q/LhHwm2APqX5us6Vuulsafps=",  # = the CDN's
    ),
)

# One attribute inside a start tag that html.parser found: leading space, name, optional value.
_ATTRIBUTE = re.compile(r"""(\s+)([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


# --- deciding (pure) --------------------------------------------------------------------------


def sri_digest(data: bytes, algorithm: str = "sha256") -> str:
    """The Subresource Integrity string of `data` ("sha256-<base64>")."""
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode('ascii')}"


def sri_matches(data: bytes, integrity: str) -> bool:
    """Whether `data` has the SRI hash `integrity` (sha256, sha384 or sha512)."""
    algorithm, _, _ = integrity.partition("-")
    if algorithm not in {"sha256", "sha384", "sha512"}:
        raise ValueError(f"unsupported integrity algorithm in {integrity!r}")
    return sri_digest(data, algorithm) == integrity


def _check_table(assets: Sequence[Asset]) -> None:
    """Two assets with one vendor name would overwrite each other; one URL twice is a typo."""
    for what, values in (
        ("vendor name", [a.name for a in assets]),
        ("URL", [a.url for a in assets]),
    ):
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise OfflineHtmlError(f"asset table: {what} {value!r} appears twice")
            seen.add(value)
    for asset in assets:
        member = PurePosixPath(asset.member)
        if member.is_absolute() or ".." in member.parts or not asset.package:
            raise OfflineHtmlError(f"asset table: bad entry {asset}")


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


def tarball_path(cache_dir: Path, spec: str) -> Path:
    """Where the npm tarball of `spec` is cached ("@scope/name@1.0" -> scope-name-1.0.tgz)."""
    name, _, version = spec.rpartition("@")
    return cache_dir / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def _extracted_path(cache_dir: Path, asset: Asset) -> Path:
    return tarball_path(cache_dir, asset.spec).with_suffix("") / asset.name


def _read_member(tarball: Path, asset: Asset) -> bytes:
    """One regular file of an npm tarball, by name: no extractall, no link, no path from it."""
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            try:
                info = archive.getmember(asset.member)
            except KeyError:
                raise OfflineHtmlError(
                    f"npm package {asset.spec} has no file {asset.member} ({tarball})"
                ) from None
            if not info.isfile() or info.size > MAX_MEMBER_BYTES:
                raise OfflineHtmlError(
                    f"npm package {asset.spec}: {asset.member} is not a regular file of at most "
                    f"{MAX_MEMBER_BYTES} bytes ({tarball})"
                )
            stream = archive.extractfile(info)
            if stream is None:
                raise OfflineHtmlError(f"npm package {asset.spec}: cannot read {asset.member}")
            with stream:
                return stream.read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise OfflineHtmlError(
            f"npm package {asset.spec}: cannot read its tarball {tarball}: {error}"
        ) from error


# --- writing ----------------------------------------------------------------------------------


def _npm_pack(spec: str, target: Path, npm: str) -> None:
    """`npm pack spec` into a scratch directory, then move the tarball to `target` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".npm-pack-")).resolve()
    try:
        try:
            done = subprocess.run(
                [npm, "pack", spec, "--ignore-scripts", "--pack-destination", str(scratch)],
                cwd=scratch,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT_S,
                check=False,
            )
        except FileNotFoundError:
            raise OfflineHtmlError(
                f"npm package {spec}: cannot run {npm!r} (node and npm must be on PATH)"
            ) from None
        except subprocess.TimeoutExpired:
            raise OfflineHtmlError(
                f"npm package {spec}: `npm pack` did not finish in {NPM_TIMEOUT_S} s"
            ) from None
        said = (done.stderr.strip() or done.stdout.strip())[-2000:]
        if done.returncode != 0:
            raise OfflineHtmlError(
                f"npm package {spec}: `npm pack` exited {done.returncode}: {said}"
            )
        packed = sorted(scratch.glob("*.tgz"))
        if len(packed) != 1:
            raise OfflineHtmlError(
                f"npm package {spec}: `npm pack` left {len(packed)} tarballs, not one: {said}"
            )
        os.replace(packed[0], target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- the two entry points ---------------------------------------------------------------------


def fetch_assets(
    cache_dir: Path, assets: Sequence[Asset] = ASSETS, npm: str = "npm"
) -> dict[str, Path]:
    """The verified local copy of every asset, by URL; `npm pack` only what the cache lacks.

    Cache layout: <cache>/<name>-<version>.tgz (npm's tarball) and <cache>/<name>-<version>/<file>
    (the extracted file). A cached file whose hash is wrong is extracted again; a tarball whose
    file has the wrong hash is an error (naming the package), never vendored.
    """
    _check_table(assets)
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for asset in assets:
        extracted = _extracted_path(cache_dir, asset)
        if extracted.is_file() and sri_matches(extracted.read_bytes(), asset.integrity):
            paths[asset.url] = extracted
            continue
        tarball = tarball_path(cache_dir, asset.spec)
        if not tarball.is_file():
            _npm_pack(asset.spec, tarball, npm)
        data = _read_member(tarball, asset)
        if not sri_matches(data, asset.integrity):
            raise OfflineHtmlError(
                f"npm package {asset.spec}: {asset.member} has {sri_digest(data)}, the table "
                f"expects {asset.integrity} (republished package or wrong entry; delete "
                f"{tarball} to download it again)"
            )
        extracted.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(extracted, data)
        paths[asset.url] = extracted
    return paths


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
