"""A loopback stand-in for the Slack Web API (and for response_url), answering like Slack.

A threaded HTTP server on 127.0.0.1 that records every call (method, parameters from
the query, a form or a JSON body) and answers as Slack does: ``{"ok": true, ...}``
with a ``ts`` for posts, the profiles registered with :meth:`add_user` for
``users.info``, the messages registered with :meth:`add_message` for
``conversations.history`` / ``conversations.replies``, a DM channel for
``conversations.open``, a permalink for ``chat.getPermalink``. It can be told to
answer 429 (with ``Retry-After``) or 500 to the next N calls of a method.

Posts to ``/respond/...`` stand for a slash command's or a button's response_url.

Socket Mode: ``apps.connections.open`` (with an ``xapp-`` token) answers a ``ws://`` URL
on this same server, where a minimal WebSocket endpoint says hello, lets tests push
envelopes (:meth:`push`) and records the acks the app sends back.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.standins.loopback import serve_on_loopback

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
TEAM_ID = "T0TEAM"
TOKEN_PREFIX = "xoxb-"
APP_TOKEN_PREFIX = "xapp-"
_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
RESPONSE_URL = "response_url"
UPLOAD = "upload"  # a file's bytes sent to the upload_url of files.getUploadURLExternal


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    params: dict[str, Any]
    path: str
    json_body: bool = False


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None = None
    error: str | None = None


@dataclass
class SlackApiStandIn:
    """The stand-in server; ``start()`` before use (or use it as a context manager)."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.socket_acks: list[dict[str, Any]] = []
        self._socket: Any = None
        self._socket_lock = threading.Lock()
        self._socket_ready = threading.Event()
        self._envelopes = itertools.count(1)
        self._failures: dict[str, list[_Failure]] = {}
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life --------------------------------------------------------------------------
    def start(self) -> SlackApiStandIn:
        self._server, self._thread = serve_on_loopback(self._route)
        return self

    def _route(self, request: BaseHTTPRequestHandler) -> None:
        if request.command == "GET" and request.path.startswith("/link"):
            self._websocket(request)
        else:
            self._handle(request)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SlackApiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """What SLACK_API_URL is set to."""
        return f"{self.base}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base}/respond/{name}"

    # -- what Slack knows ----------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        email: str | None = None,
        *,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name.split()[0].lower(),
            "deleted": deleted,
            "real_name": name,
            "is_bot": is_bot,
            "is_app_user": False,
            "profile": {"real_name": name, "display_name": name.split()[0]},
        }
        if email:
            user["profile"]["email"] = email
        if is_bot:
            user["profile"]["bot_id"] = "B" + user_id[1:]
        self.users[user_id] = user
        return user

    def add_message(
        self,
        channel: str,
        ts: str,
        user: str | None,
        text: str,
        *,
        thread_ts: str | None = None,
        bot_id: str | None = None,
        subtype: str | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "ts": ts, "text": text, "channel": channel}
        if user:
            message["user"] = user
        if thread_ts:
            message["thread_ts"] = thread_ts
        if bot_id:
            message["bot_id"] = bot_id
        if subtype:
            message["subtype"] = subtype
        with self._lock:
            self.messages.append(message)
        return message

    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` (429 or 5xx), or
        with ``{"ok": false, "error": error}`` when an error code is given."""
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(status, times, retry_after, error)
            )

    # -- what the bot did ----------------------------------------------------------------
    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.calls_to("chat.postMessage") if p.get("channel") == channel]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- serving -------------------------------------------------------------------------
    def uploads(self) -> list[dict[str, Any]]:
        """Files uploaded (files_upload_v2's second step): ``file_id`` and ``content``."""
        return self.calls_to(UPLOAD)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if parts.path.startswith("/upload/"):  # the file's bytes, to the URL Slack gave
            params = {"file_id": parts.path.removeprefix("/upload/"), "content": raw}
            with self._lock:
                self.calls.append(Call(UPLOAD, params, parts.path, False))
            self._send(request, 200, b"OK - " + str(len(raw)).encode(), "text/plain")
            return
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(parts.query).items()}
        is_json = "json" in (request.headers.get("Content-Type") or "")
        if raw:
            if is_json:
                params.update(json.loads(raw.decode("utf-8")))
            else:
                params.update({k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()})
        for key in ("blocks", "view"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if parts.path.startswith("/respond/"):
            with self._lock:
                self.calls.append(Call(RESPONSE_URL, params, parts.path, is_json))
            self._send(request, 200, b"ok", "text/plain")
            return
        method = parts.path.removeprefix("/api/")
        auth = request.headers.get("Authorization") or ""
        token = auth.removeprefix("Bearer ") if auth else str(params.get("token", ""))
        params.pop("token", None)
        with self._lock:
            self.calls.append(Call(method, params, parts.path, is_json))
            failure = self._next_failure(method)
        if failure is not None:
            if failure.error is not None:
                body = json.dumps({"ok": False, "error": failure.error}).encode()
                self._send(request, failure.status, body, "application/json; charset=utf-8")
            elif failure.status == 429:
                headers = {"Retry-After": str(failure.retry_after or 0)}
                body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                self._send(request, 429, body, "application/json; charset=utf-8", headers)
            else:
                self._send(request, failure.status, b"Internal Server Error", "text/html")
            return
        if method == "apps.connections.open":
            ok = token.startswith(APP_TOKEN_PREFIX)
            link = f"ws://127.0.0.1:{self._port}/link?ticket=test"
            answer: dict[str, Any] = (
                {"ok": True, "url": link} if ok else {"ok": False, "error": "not_authed"}
            )
        elif not token.startswith(TOKEN_PREFIX):
            answer = {"ok": False, "error": "not_authed"}
        else:
            answer = self._answer(method, params)
        body = json.dumps(answer).encode("utf-8")
        self._send(request, 200, body, "application/json; charset=utf-8")

    def _next_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method) or []
        while queue and queue[0].times <= 0:
            queue.pop(0)
        if not queue:
            return None
        queue[0].times -= 1
        return queue[0]

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    def _new_ts(self) -> str:
        return f"1793600000.{next(self._ts):06d}"

    def _answer(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {
                "url": "https://test.slack.example/",
                "team": "Test",
                "user": "creditbot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "users.info":
            user = self.users.get(str(p.get("user")))
            return ok | {"user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "chat.postMessage":
            return ok | {"channel": p.get("channel"), "ts": self._new_ts()}
        if method == "chat.update":
            return ok | {"channel": p.get("channel"), "ts": p.get("ts")}
        if method == "chat.postEphemeral":
            return ok | {"message_ts": self._new_ts()}
        if method == "chat.getPermalink":
            ts = str(p.get("message_ts", "")).replace(".", "")
            link = f"https://test.slack.example/archives/{p.get('channel')}/p{ts}"
            return ok | {"channel": p.get("channel"), "permalink": link}
        if method == "conversations.open":
            return ok | {"channel": {"id": "D" + str(p.get("users", "")).split(",")[0][1:]}}
        if method == "files.getUploadURLExternal":
            if not p.get("filename") or not str(p.get("length", "")).isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{next(self._ts):08d}"
            return ok | {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = p.get("files")
            listed = json.loads(files) if isinstance(files, str) else files or []
            return ok | {"files": [{"id": f["id"], "title": f.get("title")} for f in listed]}
        if method == "views.publish":
            return ok | {"view": p.get("view")}
        if method == "views.open":
            if not p.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            view = dict(p.get("view") or {})
            return ok | {"view": view | {"id": f"V{next(self._ts):08d}", "type": "modal"}}
        if method == "conversations.history":
            return ok | {"messages": self._history(p), "has_more": False}
        if method == "conversations.replies":
            return ok | {"messages": self._replies(p), "has_more": False}
        return ok

    def _in_window(self, message: dict[str, Any], p: dict[str, Any]) -> bool:
        inclusive = str(p.get("inclusive", "")).lower() in ("1", "true")
        key = float(message["ts"])
        if p.get("latest") and (
            key > float(p["latest"]) or (key == float(p["latest"]) and not inclusive)
        ):
            return False
        return not (
            p.get("oldest")
            and (key < float(p["oldest"]) or (key == float(p["oldest"]) and not inclusive))
        )

    def _history(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        with self._lock:
            found = [
                m
                for m in self.messages
                if m["channel"] == p.get("channel")
                and m.get("thread_ts", m["ts"]) == m["ts"]
                and self._in_window(m, p)
            ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        return found[: int(p.get("limit") or 100)]

    def _replies(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        ts = str(p.get("ts"))
        with self._lock:
            thread = [
                m
                for m in self.messages
                if m["channel"] == p.get("channel") and (m["ts"] == ts or m.get("thread_ts") == ts)
            ]
        if any(m["ts"] == ts and m.get("thread_ts") not in (None, ts) for m in thread):
            return [m for m in thread if m["ts"] == ts]  # a reply's ts: just that reply
        thread.sort(key=lambda m: float(m["ts"]))
        parent = [m for m in thread if m["ts"] == ts]
        rest = [m for m in thread if m["ts"] != ts and self._in_window(m, p)]
        return (parent + rest)[: int(p.get("limit") or 1000)]

    # -- Socket Mode ---------------------------------------------------------------------
    @property
    def _port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def wait_for_socket(self, timeout: float = 10.0) -> bool:
        """Wait until an app has connected in Socket Mode (and been said hello to)."""
        return self._socket_ready.wait(timeout)

    def push(self, payload: dict[str, Any], kind: str = "events_api", retry: int = 0) -> str:
        """Send an envelope to the connected app; its ``envelope_id``."""
        envelope_id = f"envelope-{next(self._envelopes)}"
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry,
            "retry_reason": "timeout" if retry else "",
        }
        self._send_frame(0x1, json.dumps(message).encode("utf-8"))
        return envelope_id

    def acked(self, envelope_id: str) -> bool:
        with self._lock:
            return any(a.get("envelope_id") == envelope_id for a in self.socket_acks)

    def _send_frame(self, opcode: int, data: bytes) -> None:
        size = len(data)
        if size < 126:
            head = bytes([0x80 | opcode, size])
        elif size < 65536:
            head = bytes([0x80 | opcode, 126]) + struct.pack(">H", size)
        else:
            head = bytes([0x80 | opcode, 127]) + struct.pack(">Q", size)
        with self._socket_lock:
            assert self._socket is not None, "no app is connected in Socket Mode"
            self._socket.sendall(head + data)

    def _websocket(self, request: BaseHTTPRequestHandler) -> None:
        key = request.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()
        request.send_response(101, "Switching Protocols")
        request.send_header("Upgrade", "websocket")
        request.send_header("Connection", "Upgrade")
        request.send_header("Sec-WebSocket-Accept", accept)
        request.end_headers()
        request.wfile.flush()
        request.close_connection = True
        with self._socket_lock:
            self._socket = request.connection
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0CREDIT"}}
        self._send_frame(0x1, json.dumps(hello).encode("utf-8"))
        self._socket_ready.set()
        reader = request.rfile
        while True:
            head = reader.read(2)
            if len(head) < 2:
                return
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size == 126:
                size = struct.unpack(">H", reader.read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", reader.read(8))[0]
            mask = reader.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(reader.read(size)))
            if opcode == 0x8:  # close
                self._send_frame(0x8, data[:2])
                return
            if opcode == 0x9:  # ping
                self._send_frame(0xA, data)
            elif opcode == 0x1:
                with self._lock:
                    self.socket_acks.append(json.loads(data.decode("utf-8")))
