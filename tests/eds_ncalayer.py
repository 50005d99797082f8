"""A stand-in for NCALayer in browser tests: a WebSocket server on 127.0.0.1 that speaks NCALayer's
`kz.gov.pki.knca.basics` `sign` protocol (docs/eds.md has the sources) and signs with a citizen key
of the test PKI (tests/eds_pki.py), as NCALayer signs with the key the citizen picks.

- on connecting it greets like NCALayer: {"result": {"version": ...}};
- `sign` with format "cms": the data (base64-decoded when signingParams.decode) is signed into a CMS
  SignedData, attached when signingParams.encapsulate (NCALayer's default), and answered in PEM
  armour as NCALayer does: {"status": true, "body": {"result": "-----BEGIN CMS-----..."}};
- `cancel=True` answers as NCALayer does when the citizen closes its dialog: {"status": true,
  "body": {}};
- anything else is NCALayer's invocation error: {"status": false, "code": ..., "message": ...}.

Every request is kept in `requests`, so a test can check what the page sent."""

import base64
import json
import socket
import textwrap
import threading

from websockets.sync.server import serve

from tests.eds_pki import Issued


class FakeNcaLayer:
    def __init__(self, signer: Issued | None = None, *, cancel: bool = False):
        self.signer = signer
        self.cancel = cancel
        self.requests: list[dict] = []
        self._server = serve(self._connection, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join()

    def _connection(self, websocket) -> None:
        websocket.send(json.dumps({"result": {"version": "test-ncalayer"}}))
        for message in websocket:
            request = json.loads(message)
            self.requests.append(request)
            websocket.send(json.dumps(self.answer(request)))

    def answer(self, request: dict) -> dict:
        if request.get("module") != "kz.gov.pki.knca.basics" or request.get("method") != "sign":
            return {"status": False, "code": "MODULE_NOT_FOUND", "message": "Module not found.", "details": ""}
        args = request.get("args") or {}
        params = args.get("signingParams") or {}
        if args.get("format") != "cms" or not isinstance(args.get("data"), str):
            return {"status": False, "code": "INVOCATION_ERROR", "message": "Bad arguments.", "details": ""}
        if self.cancel:
            return {"status": True, "body": {}}
        data = base64.b64decode(args["data"]) if params.get("decode") else args["data"].encode()
        cms = self.signer.sign(data, detached=not params.get("encapsulate", True))
        armoured = "-----BEGIN CMS-----\n" + "\n".join(textwrap.wrap(cms, 64)) + "\n-----END CMS-----\n"
        return {"status": True, "body": {"result": armoured}}


def closed_port_url() -> str:
    """A ws:// URL where nothing listens: NCALayer is not running."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"ws://127.0.0.1:{port}/"
