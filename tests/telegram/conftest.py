"""A fake Bot API on loopback: records every call, answers like Telegram, and can be told to answer
429 (with retry_after) or 403 (a chat that blocked the bot). Tests point TELEGRAM_API_URL at it."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import free_port

TOKEN = "123456:TEST-token"
SECRET = "webhook-secret-for-tests"
BOT = "DauysTestBot"


class FakeBotAPI:
    def __init__(self):
        self.calls: list[dict] = []
        self.blocked: set[int] = set()
        self.rate_limited: list[float] = []  # retry_after for the next sendMessage calls, one each
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length") or 0)
                params = json.loads(self.rfile.read(length) or b"{}")
                _bot, _sep, method = self.path.strip("/").partition("/")
                status, body = fake.answer(_bot, method, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, bot: str, method: str, params: dict) -> tuple[int, dict]:
        with self.lock:
            call = {"bot": bot, "method": method, "params": params, "at": time.monotonic()}
            self.calls.append(call)
            if bot != f"bot{TOKEN}":
                call["status"] = 401
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            if method == "sendMessage" and params.get("chat_id") in self.blocked:
                call["status"] = 403
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            if method == "sendMessage" and self.rate_limited:
                retry_after = self.rate_limited.pop(0)
                call["status"] = 429
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                }
            call["status"] = 200
            if method == "sendMessage":
                result = {"message_id": len(self.calls), "chat": {"id": params["chat_id"]}, "text": params["text"]}
            else:
                result = True
            return 200, {"ok": True, "result": result}

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """sendMessage calls Telegram accepted (to one chat, or all)."""
        with self.lock:
            return [
                c
                for c in self.calls
                if c["method"] == "sendMessage"
                and c["status"] == 200
                and (chat_id is None or c["params"]["chat_id"] == chat_id)
            ]

    def attempts(self, chat_id: int) -> list[dict]:
        with self.lock:
            return [c for c in self.calls if c["method"] == "sendMessage" and c["params"]["chat_id"] == chat_id]


@pytest.fixture
def telegram_api(settings):
    """The fake Bot API, with the Telegram settings pointing at it. Request it before `celery_worker`
    so that the worker starts with these settings too (tests/conftest.py passes them on)."""
    fake = FakeBotAPI()
    fake.thread.start()
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_API_URL = fake.url
    settings.TELEGRAM_RATE = 0  # tests that measure the pace set it
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def update(text: str, *, chat_id: int = 555001, language_code: str = "en", update_id: int | None = None) -> dict:
    """A Telegram Update with a private text message."""
    update.counter = getattr(update, "counter", 1000) + 1
    return {
        "update_id": update_id or update.counter,
        "message": {
            "message_id": update.counter,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Aigul"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Aigul", "language_code": language_code},
            "text": text,
        },
    }


def post_update(client, body: dict, secret: str = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/telegram/webhook/", data=json.dumps(body), content_type="application/json", headers=headers)
