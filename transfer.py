"""How responses travel: compressed, and kept by the browser only where that is safe.

**Compression** (Flask-Compress). A response of a compressible type – HTML, JSON (the callback
answers, ``/_dash-layout``, ``/_dash-dependencies``), JavaScript and CSS (the component bundles
under ``/_dash-component-suites/``, ``/assets/``), SVG, the favicon – of at least
:data:`MIN_SIZE` bytes is sent with brotli (``br``) where the browser accepts it, else gzip;
a browser that accepts neither gets it as it is. Browsers offer brotli only over HTTPS (and
on localhost), so over plain HTTP it is gzip. The levels are cheap ones, measured with
``benchmarks/page_weight.py --cpu`` (2 cores): brotli :data:`BROTLI_LEVEL` packs the
overview's 368 kB matrix answer to 15 kB in under 2 ms and the 355 kB dcc bundle to 79 kB in
5 ms; gzip :data:`GZIP_LEVEL` takes 0.4 ms and 6 ms for them (17 kB, 84 kB), where level 6
costs up to 40 % more CPU for 1 % fewer bytes. A component bundle never changes while the
server runs, and an asset is the same bytes for as long as its ``?m=`` stamp is current, so
each of them is compressed once per process and algorithm and then served from memory
(:class:`BundleCache`): plotly.js alone would otherwise cost 25–30 ms of CPU per cold page
load.

**Streams and downloads.** Flask-Compress compresses a streamed response chunk by chunk as it
is sent (brotli, else deflate: its gzip is not made for streams), without reading it whole
first; deflate sends its first bytes at once, brotli only after up to a few megabytes. Flask
sends files under ``/assets/`` as streams; one asked for with its current stamp is read whole
instead (the largest, plotly.js, is 1.2 MB), so that its compressed bytes can be kept; any
other is compressed as a stream, and a conditional request for it is answered against the
compressed file's ETag (which reads the file whole). The streamed CSV export
(``GET /ladda-ner``) is compressed the same way, piece by piece: the Översikt file of a
Sweden-sized database is 24 MB as text and about 0.6 MB compressed, for 40–90 ms of CPU, which
matters when a room shares one Wi-Fi. A part of a file (status 206, for a ``Range`` request) is
never compressed.

**Browser caching** (``Cache-Control``):

- a component bundle whose address carries Dash's fingerprint
  (``dash_core_components.v4_4_1m1796223673.js``), and a file under ``/assets/`` whose
  ``?m=`` stamp is the file's modification time (as Dash writes it into the page), is the
  same bytes for as long as its address exists: :data:`IMMUTABLE` (one year, never
  revalidated);
- the component files Dash loads without a fingerprint (its lazily loaded chunks such as
  ``async-graph.js``): ``no-cache``, revalidated by their ETag;
- Dash's favicon: one day;
- everything else that does not say itself – pages, callback answers, ``/_dash-layout``,
  ``/_dash-dependencies``, error pages – ``no-store``: their contents follow the data and
  the signed-in editor, and the dashboard may run on shared computers.

**One style sheet, one script.** The pages' style sheets and scripts are kept apart in
``assets/`` (one per page or part), but a browser would fetch each one: eighteen requests per
participant on the first page, two fifths of what a room of 50 asks the server for.
:func:`serve_joined_assets` joins the style sheets, and the project's own scripts, in the order
Dash would load them, into one of each served at ``/_samlat/<digest>.css`` and ``.js`` (cached
for a year: the digest changes with the content) and links those instead; the app tells Dash
not to link the separate files (``assets_ignore``, :data:`SEPARATE_ASSETS`). The joined script
is linked where Dash links external scripts: after React, before the component libraries, the
vendored plotly.js and the renderer, as the separate files were (the renderer starts the page
after all of them). A changed file shows after a restart.

The app calls :func:`add_compression_and_caching` once it is built.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import flask
from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Response
from flask_compress import Compress
from werkzeug.security import safe_join

BROTLI_LEVEL = 4
GZIP_LEVEL = 5
MIN_SIZE = 500
#: What is compressed, by media type (no CSV: downloads are never compressed, see above).
COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
NOT_STORED = "no-store"
FAVICON = "public, max-age=86400"


@dataclass(frozen=True)
class Paths:
    """Where the app serves what this module treats apart."""

    component_suites: str  # "/_dash-component-suites/"
    assets: str  # "/assets/"
    favicon: str  # "/_favicon.ico"
    assets_folder: Path
    joined: str  # "/_samlat/": the joined style sheet and script, by digest

    @classmethod
    def of(cls, app: Dash) -> Paths:
        prefix = app.config.routes_pathname_prefix
        return cls(
            component_suites=f"{prefix}_dash-component-suites/",
            assets=f"{prefix}{app.config.assets_url_path.strip('/')}/",
            favicon=f"{prefix}_favicon.ico",
            assets_folder=Path(app.config.assets_folder),
            joined=f"{prefix}{JOINED_FOLDER}/",
        )


class BundleCache:
    """Compressed bundles by algorithm and address, for the life of the process.

    Flask-Compress asks it for every response it compresses, with the key
    ``"<algorithm>;<address>"`` where the address is :func:`kept_address` – empty for a
    response that is not to be kept, which is then neither looked up nor stored. Only files
    the app serves unchanged are kept, so the cache cannot grow beyond them.
    """

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key) if not key.endswith(";") else None

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self._bodies[key] = value

    def __len__(self) -> int:
        return len(self._bodies)


def kept_address(paths: Paths, request: flask.Request) -> str:
    """Under which address a response's compressed bytes are kept, or "" not to keep them.

    A component bundle by its path alone (a file of the installed packages, the same at one
    path for as long as the process runs; the query string changes nothing and must not make
    new entries; only the few paths Dash registered are served, others get 404, which is not
    compressed); an asset by its path and ``?m=`` stamp while the stamp is the file's current
    modification time; nothing else."""
    path = request.path
    if path.startswith((paths.component_suites, paths.joined)):
        return path
    stamp = request.args.get("m")
    if path.startswith(paths.assets) and _stamp_is_current(paths, path, stamp):
        return f"{path}?m={stamp}"
    return ""


def compression_settings(paths: Paths, assets_endpoint: str) -> dict[str, object]:
    """Flask-Compress's settings (its after-request hook is called by this module, not
    registered by it, so that parts of files can be left out)."""
    return {
        "COMPRESS_REGISTER": False,
        "COMPRESS_MIMETYPES": list(COMPRESSED_TYPES),
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "deflate"],
        "COMPRESS_BR_LEVEL": BROTLI_LEVEL,
        "COMPRESS_LEVEL": GZIP_LEVEL,
        "COMPRESS_DEFLATE_LEVEL": GZIP_LEVEL,
        "COMPRESS_MIN_SIZE": MIN_SIZE,
        "COMPRESS_STREAMS": True,
        # A streamed asset's ETag gets the algorithm appended; evaluate If-None-Match against it.
        "COMPRESS_STREAMING_ENDPOINT_CONDITIONAL": [assets_endpoint],
        "COMPRESS_CACHE_BACKEND": BundleCache,
        "COMPRESS_CACHE_KEY": lambda request: kept_address(paths, request),
    }


def _stamp_is_current(paths: Paths, path: str, stamp: str | None) -> bool:
    """Whether an asset's ``?m=`` stamp is the modification time of the file served."""
    if not stamp:
        return False
    file = safe_join(str(paths.assets_folder), path.removeprefix(paths.assets))
    if file is None:
        return False
    try:
        return str(os.stat(file).st_mtime) == stamp
    except OSError:
        return False


def cache_control(paths: Paths, request: flask.Request, response: Response) -> str | None:
    """The ``Cache-Control`` a response gets (see the module's text), or None to keep its own."""
    path = request.path
    served = response.status_code in (200, 304)
    if served and path.startswith(paths.component_suites):
        _name, fingerprinted = check_fingerprint(path.removeprefix(paths.component_suites))
        return IMMUTABLE if fingerprinted else REVALIDATE
    if served and path.startswith(paths.assets):
        current = _stamp_is_current(paths, path, request.args.get("m"))
        return IMMUTABLE if current else None
    if served and path == paths.favicon:
        return FAVICON
    if served and path.startswith(paths.joined):
        return IMMUTABLE
    return None if "Cache-Control" in response.headers else NOT_STORED


def add_compression_and_caching(app: Dash) -> None:
    """Compress ``app.server``'s responses and set their ``Cache-Control`` (module text)."""
    server = app.server
    paths = Paths.of(app)
    assets_endpoint = next(
        (
            rule.endpoint
            for rule in server.url_map.iter_rules()
            if rule.rule.startswith(paths.assets) and rule.endpoint.endswith(".static")
        ),
        "static",
    )
    server.config.update(compression_settings(paths, assets_endpoint))
    compress = Compress()
    compress.init_app(server)

    def transfer(response: Response) -> Response:
        header = cache_control(paths, flask.request, response)
        if header is not None:
            response.headers["Cache-Control"] = header
        if response.status_code == 206:
            return response  # a part of a file (Range) must stay the bytes it names
        if header == IMMUTABLE and response.is_streamed:
            # a current asset: read whole, so that its compressed bytes are kept (BundleCache)
            response.direct_passthrough = False
            response.make_sequence()
        return compress.after_request(response)

    server.after_request(transfer)


#: Where the joined style sheet and script are served (``/_samlat/<digest>.css``, ``.js``),
#: and Dash's ``assets_ignore`` that leaves the separate files unlinked: every style sheet,
#: and every script but the minified ones of other projects (``assets/vendor/*.min.js``, linked
#: as they are). The separate files are still served under ``/assets/`` (the sign-in page
#: links some style sheets).
JOINED_FOLDER = "_samlat"
SEPARATE_ASSETS = r"\.css$|(?<!\.min)\.js$"


def joined_assets(folder: Path, suffix: str) -> bytes:
    """The files of ``folder`` (not of its subfolders) ending in ``suffix`` (``.css``,
    ``.js``), joined in the order Dash links them (by name), each introduced by a comment
    naming its file; scripts each end with a ``;``, so that one cannot run into the next."""
    end = b"\n;\n" if suffix == ".js" else b"\n"
    return b"\n".join(
        f"/* {path.name} */\n".encode() + path.read_bytes().rstrip() + end
        for path in sorted(folder.glob(f"*{suffix}"))
    )


def serve_joined_assets(app: Dash) -> tuple[str, str]:
    """Serve the assets' style sheets as one, and their own scripts as one (module text), and
    link those on every page; returns the two addresses."""
    paths = Paths.of(app)
    bodies: dict[str, tuple[bytes, str]] = {}
    addresses = []
    for suffix, mimetype in ((".css", "text/css"), (".js", "text/javascript")):
        body = joined_assets(paths.assets_folder, suffix)
        name = hashlib.sha256(body).hexdigest()[:16] + suffix
        bodies[name] = (body, mimetype)
        addresses.append(f"{paths.joined}{name}")

    def joined(name: str) -> Response:
        if name not in bodies:
            return Response("Filen finns inte.", status=404, mimetype="text/plain")
        body, mimetype = bodies[name]
        return Response(body, mimetype=mimetype)

    app.server.add_url_rule(f"{paths.joined}<name>", "joined_assets", joined, methods=["GET"])
    stylesheet, script = addresses
    app.config.external_stylesheets.append({"rel": "stylesheet", "href": stylesheet})
    app.config.external_scripts.append({"src": script})
    return stylesheet, script


__all__ = [
    "BROTLI_LEVEL",
    "GZIP_LEVEL",
    "IMMUTABLE",
    "NOT_STORED",
    "REVALIDATE",
    "SEPARATE_ASSETS",
    "BundleCache",
    "add_compression_and_caching",
    "cache_control",
    "joined_assets",
    "serve_joined_assets",
]
