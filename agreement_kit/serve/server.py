"""Run the drafting page: a socket on 127.0.0.1, the URL printed, the browser opened.

The socket is bound before the app is made, so that the app knows the port
its Host check must accept, and so that a free port can be taken without a
race. uvicorn serves it and stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import socket
import sys
import webbrowser
from pathlib import Path

from ..utils.errors import UsageError

HOST = "127.0.0.1"
PREFERRED_PORT = 8749  # the same address from run to run keeps the browser's saved draft


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1: at ``port``, or a free one."""
    candidates = [port] if port is not None else [PREFERRED_PORT, 0]
    last: OSError | None = None
    for candidate in candidates:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((HOST, candidate))
        except OSError as exc:
            sock.close()
            last = exc
            continue
        sock.listen(64)
        sock.set_inheritable(True)
        return sock
    raise UsageError(f"--port {port}: cannot listen on {HOST}:{port} ({last.strerror if last else 'in use'})")


def serve(spec_path: Path | None, *, port: int | None = None, open_browser: bool = True) -> None:
    """Serve the drafting page until interrupted; the URL is the first line printed."""
    import uvicorn

    from ..load.library import load_library
    from .app import create_app
    from .drafting import read_spec_file

    library = load_library()
    start = read_spec_file(spec_path) if spec_path is not None else None
    sock = bind(port)
    actual = sock.getsockname()[1]
    app = create_app(start, port=actual, library=library)
    url = f"http://{HOST}:{actual}/"
    print(url, flush=True)
    print("Drafting page running; press Ctrl-C to stop.", file=sys.stderr, flush=True)
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    print("Drafting page stopped.", file=sys.stderr, flush=True)
