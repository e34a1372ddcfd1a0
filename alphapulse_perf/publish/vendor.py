"""The JavaScript and CSS of asv's page, vendored: the table of asv's CDN files and where the same
libraries live on npm, their Subresource Integrity hashes, and `npm pack` into a cache, each
tarball member read back and checked against its pinned hash.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from alphapulse_perf._files import write_atomic

__all__ = [
    "ASSETS",
    "Asset",
    "OfflineHtmlError",
    "UnknownUrlError",
    "fetch_assets",
    "sri_digest",
    "sri_matches",
    "tarball_path",
]

MAX_MEMBER_BYTES = 16 * 1024 * 1024  # a tarball entry larger than this is not a JS/CSS file
NPM_TIMEOUT_S = 300


class OfflineHtmlError(RuntimeError):
    """Why the published history cannot be made self-contained (npm, a tarball, a file)."""


class UnknownUrlError(OfflineHtmlError):
    """External URLs the asset table does not know; `found` lists (file, URL) pairs."""

    def __init__(self, found: Sequence[tuple[str, str]]) -> None:
        lines = "\n".join(f"  {where}: {url}" for where, url in found)
        super().__init__(
            "external URLs not in alphapulse_perf.publish.vendor.ASSETS (did asv change its "
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
