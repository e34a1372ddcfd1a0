"""alphapulse_perf.publish.offline_html: asv's published history made to work without a network.

The unit tests run on small literal HTML and a fake cache (tarballs built here, a fake `npm`
script where npm's behaviour matters): no network. The slow test does the real thing: `asv
publish` of this repository's results, real `npm pack`, headless Chromium with every request off
127.0.0.1 refused.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from alphapulse_perf.publish.offline_html import make_offline, rewrite_html
from alphapulse_perf.publish.vendor import (
    ASSETS,
    Asset,
    OfflineHtmlError,
    UnknownUrlError,
    fetch_assets,
    sri_digest,
    tarball_path,
)

ROOT = Path(__file__).resolve().parents[3]
JQUERY = ASSETS[0]
FLOT = ASSETS[1]
assert JQUERY.spec == "jquery@3.3.1" and FLOT.spec == "flot@0.8.3"

PAGE = f"""<!doctype html>
<html>
  <head>
    <script type="text/javascript">
      function js_load_failure() {{ window.location = "error.html"; }}
    </script>
    <script src="{JQUERY.url}" integrity="sha256-abc=" crossorigin="anonymous" onerror="js_load_failure()"></script>
    <script src='{FLOT.url}' integrity="sha512-x>y"
            crossorigin="anonymous" referrerpolicy="no-referrer" onerror="js_load_failure()"></script>
    <script language="javascript" type="text/javascript" src="asv.js"></script>
    <link rel="alternate" type="application/atom+xml" href="https://example.org/feed.xml"/>
  </head>
  <body><a href="https://github.com/airspeed-velocity/asv">asv</a></body>
</html>
"""  # noqa: E501
EXPECTED = PAGE.replace(
    f'<script src="{JQUERY.url}" integrity="sha256-abc=" crossorigin="anonymous" '
    'onerror="js_load_failure()">',
    '<script src="vendor/jquery.min.js" onerror="js_load_failure()">',
).replace(
    f"""<script src='{FLOT.url}' integrity="sha512-x>y"
            crossorigin="anonymous" referrerpolicy="no-referrer" onerror="js_load_failure()">""",
    # The line break belonged to the dropped crossorigin=: onerror keeps its own space.
    """<script src="vendor/jquery.flot.js" onerror="js_load_failure()">""",
)


# --- rewriting --------------------------------------------------------------------------------


def test_rewrite_points_known_cdn_tags_at_vendor_and_keeps_the_rest() -> None:
    assert EXPECTED != PAGE
    new, unknown = rewrite_html(PAGE)
    assert unknown == []
    assert new == EXPECTED


def test_rewrite_is_idempotent() -> None:
    once, _ = rewrite_html(PAGE)
    twice, unknown = rewrite_html(once)
    assert (twice, unknown) == (once, [])


def test_rewrite_handles_stylesheets_and_upper_case() -> None:
    css = next(a for a in ASSETS if a.name.endswith(".css"))
    text = f'<LINK REL="stylesheet" HREF="{css.url}" INTEGRITY="sha256-x" CrossOrigin=anonymous />'
    new, unknown = rewrite_html(text, vendor="../vendor")
    assert unknown == []
    assert new == '<LINK REL="stylesheet" HREF="../vendor/bootstrap.min.css" />'


def test_only_real_tags_are_rewritten_not_their_look_alikes() -> None:
    text = (
        f'<!-- <script src="{JQUERY.url}"></script> -->'
        f"<script>document.write('<script src=\"{JQUERY.url}\"></scr' + 'ipt>');</script>"
        f'<script\nsrc="{JQUERY.url}"\ndefer></script>'
    )
    new, unknown = rewrite_html(text)
    assert unknown == []
    assert new == text.replace(
        f'<script\nsrc="{JQUERY.url}"\ndefer>', '<script\nsrc="vendor/jquery.min.js"\ndefer>'
    )


def test_rewrite_reports_unknown_script_and_stylesheet_urls() -> None:
    text = (
        '<script src="https://cdn.example.com/new-lib.js"></script>'
        '<script src="//cdn.example.com/protocol-relative.js"></script>'
        '<link rel="stylesheet" href="http://cdn.example.com/x.css">'
    )
    new, unknown = rewrite_html(text)
    assert new == text
    assert unknown == [
        "https://cdn.example.com/new-lib.js",
        "//cdn.example.com/protocol-relative.js",
        "http://cdn.example.com/x.css",
    ]


def test_the_table_covers_every_external_url_of_the_installed_asv_template() -> None:
    """The test that notices an asv upgrade moving or adding a CDN library."""
    template = (importlib.resources.files("asv") / "www" / "index.html").read_text("utf-8")
    new, unknown = rewrite_html(template)
    assert unknown == []
    assert "integrity=" not in new
    for asset in ASSETS:
        assert asset.url in template, f"{asset.url} is no longer in asv's index.html"
        assert f'"vendor/{asset.name}"' in new


def test_the_table_has_unique_vendor_names_and_pinned_hashes() -> None:
    assert len({a.name for a in ASSETS}) == len(ASSETS)
    assert len({a.url for a in ASSETS}) == len(ASSETS)
    assert all(a.member.startswith("package/") for a in ASSETS)
    assert all(a.integrity.split("-")[0] in {"sha256", "sha512"} for a in ASSETS)
    stupid = next(a for a in ASSETS if "stupidtable" in a.url)
    assert stupid.spec == "stupid-table-plugin@1.1.3"


# --- a fake cache: tarballs built here, npm never called --------------------------------------


def _tarball(path: Path, files: dict[str, bytes], symlinks: Sequence[str] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name in symlinks:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)


def _fake_assets(cache: Path, assets: Sequence[Asset] = (JQUERY, FLOT)) -> list[Asset]:
    """The real URLs and packages, fake contents, tarballs already in the cache."""
    fakes: list[Asset] = []
    files: dict[str, dict[str, bytes]] = {}
    for asset in assets:
        data = f"/* fake {asset.spec} {asset.member} */\n".encode()
        files.setdefault(asset.spec, {})[asset.member] = data
        fakes.append(dataclasses.replace(asset, integrity=sri_digest(data)))
    for spec, members in files.items():
        _tarball(tarball_path(cache, spec), members)
    return fakes


@pytest.fixture
def no_npm(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"npm was called: {args}")

    monkeypatch.setattr("alphapulse_perf.publish.vendor.subprocess.run", refuse)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    html_dir = tmp_path / "html"
    (html_dir / "sub").mkdir(parents=True)
    (html_dir / "index.html").write_text(PAGE)
    (html_dir / "error.html").write_text("<html><body>no network?</body></html>\n")
    (html_dir / "sub" / "page.html").write_text(f'<script src="{JQUERY.url}"></script>\n')
    (html_dir / "asv.js").write_text("// untouched\n")
    return html_dir


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.usefixtures("no_npm")
def test_make_offline_vendors_and_rewrites(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assets = _fake_assets(cache)
    written = make_offline(site, cache, assets)
    assert sorted(p.relative_to(site).as_posix() for p in written) == [
        "index.html",
        "sub/page.html",
        "vendor/jquery.flot.js",
        "vendor/jquery.min.js",
    ]
    assert (site / "index.html").read_text() == EXPECTED
    assert (
        site / "sub" / "page.html"
    ).read_text() == '<script src="../vendor/jquery.min.js"></script>\n'
    assert (
        site / "vendor" / "jquery.min.js"
    ).read_bytes() == b"/* fake jquery@3.3.1 package/dist/jquery.min.js */\n"
    assert (site / "error.html").read_text() == "<html><body>no network?</body></html>\n"
    assert not list(site.rglob("*.tmp"))


@pytest.mark.usefixtures("no_npm")
def test_make_offline_twice_changes_nothing_the_second_time(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assets = _fake_assets(cache)
    make_offline(site, cache, assets)
    before = _snapshot(site)
    cache_before = _snapshot(cache)
    assert make_offline(site, cache, assets) == []
    assert _snapshot(site) == before
    assert _snapshot(cache) == cache_before


@pytest.mark.usefixtures("no_npm")
def test_unknown_url_names_file_and_url_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assets = _fake_assets(cache)
    extra = site / "sub" / "new.html"
    extra.write_text('<script src="https://cdn.example.com/brand-new-lib@2.0.js"></script>')
    before = _snapshot(site)
    with pytest.raises(UnknownUrlError) as raised:
        make_offline(site, cache, assets)
    message = str(raised.value)
    assert f"{extra}: https://cdn.example.com/brand-new-lib@2.0.js" in message
    assert raised.value.found == [(str(extra), "https://cdn.example.com/brand-new-lib@2.0.js")]
    assert _snapshot(site) == before
    assert not (site / "vendor").exists()


@pytest.mark.usefixtures("no_npm")
def test_a_wrong_hash_in_the_tarball_is_an_error_naming_the_package(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (fake,) = _fake_assets(cache, [JQUERY])
    wrong = dataclasses.replace(fake, integrity=sri_digest(b"something else"))
    with pytest.raises(OfflineHtmlError, match=r"jquery@3\.3\.1: package/dist/jquery\.min\.js"):
        fetch_assets(cache, [wrong])


@pytest.mark.usefixtures("no_npm")
def test_a_corrupted_cached_file_is_extracted_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (fake,) = _fake_assets(cache, [JQUERY])
    path = fetch_assets(cache, [fake])[fake.url]
    good = path.read_bytes()
    path.write_bytes(b"truncated")
    assert fetch_assets(cache, [fake])[fake.url].read_bytes() == good


@pytest.mark.usefixtures("no_npm")
def test_extraction_refuses_links_and_missing_members(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _tarball(tarball_path(cache, JQUERY.spec), {}, symlinks=[JQUERY.member])
    with pytest.raises(OfflineHtmlError, match=r"jquery@3\.3\.1: .* is not a regular file"):
        fetch_assets(cache, [JQUERY])
    _tarball(tarball_path(cache, FLOT.spec), {"package/README.md": b"flot"})
    with pytest.raises(
        OfflineHtmlError, match=r"flot@0\.8\.3 has no file package/jquery\.flot\.js"
    ):
        fetch_assets(cache, [FLOT])
    assert not (tmp_path / "etc").exists()


# --- npm's side, with a fake `npm` ------------------------------------------------------------


def _fake_npm(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "bin" / "npm"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_npm_failure_names_the_package_and_what_npm_said(tmp_path: Path) -> None:
    npm = _fake_npm(
        tmp_path,
        'echo "npm error 404 Not Found - GET https://registry.npmjs.org/jquery" >&2\nexit 1',
    )
    with pytest.raises(OfflineHtmlError) as raised:
        fetch_assets(tmp_path / "cache", [JQUERY], npm=str(npm))
    message = str(raised.value)
    assert "jquery@3.3.1" in message
    assert "exited 1" in message
    assert "npm error 404 Not Found" in message
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []  # no scratch left behind


def test_missing_npm_is_an_error_naming_the_package(tmp_path: Path) -> None:
    with pytest.raises(OfflineHtmlError, match=r"jquery@3\.3\.1: cannot run"):
        fetch_assets(tmp_path / "cache", [JQUERY], npm=str(tmp_path / "no-such-npm"))


def test_npm_pack_runs_once_per_package_and_is_cached(tmp_path: Path) -> None:
    """The fake npm packs like the real one: a tarball in --pack-destination, named by npm."""
    members = {JQUERY.member: b"jq", FLOT.member: b"fl"}
    for spec, member in ((JQUERY.spec, JQUERY.member), (FLOT.spec, FLOT.member)):
        _tarball(tmp_path / "registry" / f"{spec}.tgz", {member: members[member]})
    log = tmp_path / "npm.log"
    npm = _fake_npm(
        tmp_path,
        f'echo "$2" >> {log}\n'
        f'test "$3 $4" = "--ignore-scripts --pack-destination" || exit 9\n'
        f'cp {tmp_path}/registry/"$2".tgz "$5/npm-named-$2.tgz"',
    )
    assets = [
        dataclasses.replace(JQUERY, integrity=sri_digest(b"jq")),
        dataclasses.replace(FLOT, integrity=sri_digest(b"fl")),
    ]
    paths = fetch_assets(tmp_path / "cache", assets, npm=str(npm))
    assert {url: p.read_bytes() for url, p in paths.items()} == {
        JQUERY.url: b"jq",
        FLOT.url: b"fl",
    }
    shutil.rmtree(paths[JQUERY.url].parent)  # extracted files gone, tarballs kept
    fetch_assets(tmp_path / "cache", assets, npm=str(npm))
    assert Counter(log.read_text().split()) == {JQUERY.spec: 1, FLOT.spec: 1}


# --- the real thing ---------------------------------------------------------------------------

BENCHMARK = "bench_single_symbol.SingleSymbolDetection.time_detect"
CANDLES = "1000"


def _measured(results: Path) -> tuple[str, list[int]] | None:
    """The machine with most measured commits of the graph, and its commit count per env."""
    from alphapulse_perf.results import Outcome, ResultsError, load_records

    try:
        records = load_records(results)
    except (ResultsError, OSError):
        return None
    # asv graphs a branch's first-parent line: a commit of a merged side branch has no point.
    line = set(
        subprocess.run(
            ["git", "rev-list", "--first-parent", "main"], cwd=ROOT, capture_output=True, text=True
        ).stdout.split()
    )
    commits: dict[str, dict[str, set[str]]] = {}
    for r in records:
        plotted = r.commit in line or not line
        if (
            plotted
            and r.benchmark == BENCHMARK
            and r.params == (CANDLES,)
            and r.outcome is Outcome.OK
        ):
            commits.setdefault(r.machine, {}).setdefault(r.env, set()).add(r.commit)
    if not commits:
        return None
    machine = max(commits, key=lambda m: sum(len(c) for c in commits[m].values()))
    return machine, sorted(len(c) for c in commits[machine].values())


@pytest.mark.slow
def test_published_history_renders_offline(tmp_path: Path) -> None:
    """asv publish of the repository's results, real npm packs, Chromium with no network."""
    results = ROOT / "results"
    if not (results / "benchmarks.json").is_file():
        pytest.skip(f"no asv results in {results}: run the suite (`asv run`) first")
    measured = _measured(results)
    if measured is None:
        pytest.skip(f"{results} has no measured {BENCHMARK} (candles={CANDLES}) to plot")
    if shutil.which("npm") is None:
        pytest.skip("npm is not on PATH (node's npm fetches the page's libraries)")
    machine, expected = measured

    project = tmp_path / "project"
    (project / "results").mkdir(parents=True)
    shutil.copy2(results / "benchmarks.json", project / "results" / "benchmarks.json")
    shutil.copytree(results / machine, project / "results" / machine)
    conf = (ROOT / "asv.conf.json").read_text()
    assert '"repo": ".",' in conf
    # The commits' dates and branch come from this repository's git, read in place (not cloned).
    (project / "asv.conf.json").write_text(
        conf.replace('"repo": ".",', f'"repo": {json.dumps(str(ROOT))},')
    )
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("asv")), "publish"],
        cwd=project,
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    html_dir = project / "html"
    assert JQUERY.url in (html_dir / "index.html").read_text()

    make_offline(html_dir, tmp_path / "cache")
    assert "https://" not in (html_dir / "index.html").read_text().split("<body>")[0]

    from scripts.history_screenshot import graph_points

    points = graph_points(html_dir, BENCHMARK, {"candles": CANDLES}, tmp_path / "graph.png")
    assert sorted(points) == expected, f"one point per measured commit of {machine}: {expected}"
    assert (tmp_path / "graph.png").stat().st_size > 10_000
