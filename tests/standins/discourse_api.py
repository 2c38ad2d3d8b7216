"""A loopback stand-in for the Discourse API, answering like Discourse does.

A threaded HTTP server on 127.0.0.1 with a tiny forum in memory (users, topics, posts).
Every answer carries ``Content-Type: application/json; charset=utf-8`` exactly, as
Discourse's does (pydiscourse insists on it). Every request is recorded. Tests can make
it answer 429 (with ``Retry-After`` or ``extras.wait_seconds``), 500, leave out the
``Content-Type``, or be down altogether (connections refused).

Endpoints: ``GET /u/{username}/emails.json``, ``GET /users/{username}.json``,
``GET /t/{id}.json`` and ``/t/{slug}/{id}.json`` (a wrong slug is redirected, as
Discourse does), ``GET /t/external_id/{id}.json`` (a redirect to the topic),
``POST /posts`` (topics, replies and private messages: ``target_recipients`` must name
known users, as on Discourse; :meth:`StandinDiscourse.private_messages` lists what a user
received), ``GET /posts.json``,
``GET /posts/by_number/{topic}/{n}`` and ``GET /c/{id}.json`` (``solved=yes``).
Badges: ``GET``/``POST /admin/badges.json`` (a name is taken once), ``POST /user_badges``
(a reason must link to one of the forum's topics or posts; a second grant of a badge
answers with the first) and ``GET /user-badges/{username}.json``.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

JSON_TYPE = "application/json; charset=utf-8"
API_KEY = "test-api-key"
API_USERNAME = "creditbot"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class _Failure:
    contains: str
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    times: int
    delay: float = 0.0
    disconnect: bool = False


@dataclass
class _Topic:
    id: int
    title: str
    slug: str
    user_id: int
    category_id: int | None
    archetype: str
    created_at: str
    external_id: str | None = None
    accepted_post_number: int | None = None
    # who wrote the accepted answer, when it is not one of the posts the stand-in holds
    accepted_username: str | None = None
    pinned: bool = False
    post_ids: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # a private message's usernames
    raw: str = ""  # the first post as written


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _slugify(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split()) or "topic"


class StandinDiscourse:
    """The stand-in server and its forum. ``start()`` before use, ``stop()`` after."""

    def __init__(self, page_size: int = 50) -> None:
        self.page_size = page_size
        self.requests: list[Recorded] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.topics: dict[int, _Topic] = {}
        self.posts: dict[int, dict[str, Any]] = {}
        self._failures: list[_Failure] = []
        self.badges: dict[int, dict[str, Any]] = {}
        self.edits: list[dict[str, Any]] = []  # each post edit: post_id, raw, edit_reason
        self.user_badges: list[dict[str, Any]] = []
        self._next_badge = 100  # Discourse's own badges use the low ids
        self._lock = threading.RLock()
        self._next_topic = 9000
        self._next_post = 90000
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> StandinDiscourse:
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = _Server(("127.0.0.1", self._port), Handler)
        self._port = self._server.server_address[1]
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.02), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def go_down(self) -> None:
        """Stop listening: every connection is refused until :meth:`come_back`."""
        self.stop()

    def come_back(self) -> None:
        """Listen again, on the same port."""
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # -- the forum ------------------------------------------------------------------
    def add_user(
        self, username: str, email: str | None, *, user_id: int, name: str = ""
    ) -> dict[str, Any]:
        user = {"id": user_id, "username": username, "name": name or username, "email": email}
        with self._lock:
            self.users[username.lower()] = user
        return user

    def add_topic(
        self,
        topic_id: int,
        title: str,
        owner: str,
        *,
        category_id: int | None = 7,
        archetype: str = "regular",
        created_at: str = "2026-10-14T08:00:00.000Z",
        pinned: bool = False,
        first_post_id: int | None = None,
    ) -> None:
        with self._lock:
            user = self.users[owner.lower()]
            topic = _Topic(
                topic_id, title, _slugify(title), user["id"], category_id, archetype, created_at
            )
            topic.pinned = pinned
            self.topics[topic_id] = topic
            self._add_post(
                topic, owner, created_at, f"<p>{title}</p>", post_id=first_post_id or topic_id * 10
            )

    def add_reply(
        self, topic_id: int, author: str, created_at: str, *, post_id: int, post_type: int = 1
    ) -> dict[str, Any]:
        with self._lock:
            return self._add_post(
                self.topics[topic_id],
                author,
                created_at,
                "<p>a reply</p>",
                post_id=post_id,
                post_type=post_type,
            )

    def accept(self, topic_id: int, post_id: int) -> None:
        with self._lock:
            self.topics[topic_id].accepted_post_number = self.posts[post_id]["post_number"]
            self.topics[topic_id].accepted_username = None

    def accept_answer(self, topic_id: int, post_number: int, username: str) -> None:
        """Mark post ``post_number`` of the topic (by ``username``) as its accepted answer,
        as discourse-solved does, without the stand-in holding that post."""
        with self._lock:
            self.topics[topic_id].accepted_post_number = post_number
            self.topics[topic_id].accepted_username = username

    def unaccept(self, topic_id: int) -> None:
        """The topic has no accepted answer any more."""
        with self._lock:
            self.topics[topic_id].accepted_post_number = None
            self.topics[topic_id].accepted_username = None

    # -- what tests tell it ---------------------------------------------------------
    def fail(
        self,
        contains: str,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
        content_type: str | None = JSON_TYPE,
    ) -> None:
        """Answer the next ``times`` requests whose path contains ``contains`` like this."""
        raw = (
            b""
            if body is None
            else (body if isinstance(body, bytes) else json.dumps(body).encode())
        )
        with self._lock:
            self._failures.append(
                _Failure(contains, status, headers or {}, raw, content_type, times)
            )

    def disconnect(self, contains: str, *, times: int = 1) -> None:
        """Close the connection without answering (the forum is unreachable for that call)."""
        with self._lock:
            self._failures.append(_Failure(contains, 0, {}, b"", None, times, disconnect=True))

    def delay(self, contains: str, seconds: float, *, times: int = 1) -> None:
        """Answer normally, but only after ``seconds``."""
        with self._lock:
            self._failures.append(_Failure(contains, 0, {}, b"", None, times, delay=seconds))

    def rate_limit(self, contains: str, wait: int, *, via: str = "header", times: int = 1) -> None:
        """A 429 as Discourse sends it (``via`` "header": Retry-After; "body": only JSON)."""
        body = {
            "errors": [
                "You’ve performed this action too many times. "
                f"Please wait {wait} seconds before trying again."
            ],
            "error_type": "rate_limit",
            "extras": {"wait_seconds": wait, "time_left": f"{wait} seconds"},
        }
        headers = {"Discourse-Rate-Limit-Error-Code": "admin_api_key_rate_limit"}
        if via == "header":
            headers["Retry-After"] = str(wait)
        self.fail(contains, 429, times=times, headers=headers, body=body)

    def calls(self, contains: str = "", method: str | None = None) -> list[Recorded]:
        with self._lock:
            return [
                r
                for r in self.requests
                if contains in r.path and (method is None or r.method == method)
            ]

    # -- answers ----------------------------------------------------------------------
    def _add_post(
        self,
        topic: _Topic,
        author: str,
        created_at: str,
        cooked: str,
        *,
        post_id: int | None = None,
        post_type: int = 1,
    ) -> dict[str, Any]:
        user = self.users[author.lower()]
        if post_id is None:
            self._next_post += 1
            post_id = self._next_post
        post = {
            "id": post_id,
            "name": user["name"],
            "username": user["username"],
            "avatar_template": f"/user_avatar/forum.example.org/{user['username']}/{{size}}/1.png",
            "created_at": created_at,
            "cooked": cooked,
            "post_number": len(topic.post_ids) + 1,
            "post_type": post_type,
            "updated_at": created_at,
            "reply_count": 0,
            "reply_to_post_number": None,
            "quote_count": 0,
            "incoming_link_count": 0,
            "reads": 1,
            "score": 0,
            "topic_id": topic.id,
            "topic_slug": topic.slug,
            "topic_title": topic.title,
            "category_id": topic.category_id,
            "display_username": user["name"],
            "version": 1,
            "user_id": user["id"],
            "trust_level": 1,
            "moderator": False,
            "admin": False,
            "staff": False,
            "hidden": False,
            "deleted_at": None,
            "user_deleted": False,
            "wiki": False,
        }
        topic.post_ids.append(post_id)
        self.posts[post_id] = post
        return post

    def _topic_view(self, topic: _Topic) -> dict[str, Any]:
        owner = next(u for u in self.users.values() if u["id"] == topic.user_id)
        first = self.posts[topic.post_ids[0]]
        last = self.posts[topic.post_ids[-1]]
        basic_owner = {"id": owner["id"], "username": owner["username"], "name": owner["name"]}
        view: dict[str, Any] = {
            "post_stream": {"posts": [first], "stream": list(topic.post_ids)},
            "id": topic.id,
            "title": topic.title,
            "fancy_title": topic.title,
            "posts_count": len(topic.post_ids),
            "created_at": topic.created_at,
            "views": 5,
            "reply_count": len(topic.post_ids) - 1,
            "like_count": 0,
            "last_posted_at": last["created_at"],
            "visible": True,
            "closed": False,
            "archived": False,
            "archetype": topic.archetype,
            "slug": topic.slug,
            "category_id": topic.category_id,
            "user_id": topic.user_id,
            "external_id": topic.external_id,
            "pinned": topic.pinned,
            "details": {"created_by": basic_owner, "last_poster": basic_owner},
        }
        if topic.accepted_post_number is not None:
            held = [
                self.posts[p]
                for p in topic.post_ids
                if self.posts[p]["post_number"] == topic.accepted_post_number
            ]
            user = self.users.get((topic.accepted_username or "").lower(), {})
            answer = (
                held[0]
                if held and topic.accepted_username is None
                else {
                    "post_number": topic.accepted_post_number,
                    "username": topic.accepted_username,
                    "name": user.get("name", topic.accepted_username),
                }
            )
            view["accepted_answer"] = {
                "post_number": answer["post_number"],
                "username": answer["username"],
                "name": answer["name"],
                "excerpt": "a reply",
            }
        return view

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], form: dict[str, Any]
    ) -> tuple[int, dict[str, str], Any]:
        """(status, extra headers, JSON body) for one request."""
        with self._lock:
            return self._answer(method, path, query, form)

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], form: dict[str, Any]
    ) -> tuple[int, dict[str, str], Any]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        not_found = (
            404,
            {},
            {
                "errors": ["The requested URL or resource could not be found."],
                "error_type": "not_found",
            },
        )
        if method == "GET" and len(parts) == 3 and parts[0] == "u" and parts[2] == "emails.json":
            user = self.users.get(parts[1].lower())
            if user is None:
                return not_found
            return (
                200,
                {},
                {
                    "email": user["email"],
                    "secondary_emails": [],
                    "unconfirmed_emails": [],
                    "associated_accounts": [],
                },
            )
        if (
            method == "GET"
            and len(parts) == 2
            and parts[0] == "users"
            and parts[1].endswith(".json")
        ):
            user = self.users.get(parts[1][: -len(".json")].lower())
            if user is None:
                return not_found
            public = {k: v for k, v in user.items() if k != "email"}
            return 200, {}, {"user_badges": [], "user": public}
        if method == "GET" and parts[:2] == ["t", "external_id"] and len(parts) == 3:
            external = parts[2].removesuffix(".json")
            topic = next((t for t in self.topics.values() if t.external_id == external), None)
            if topic is None:
                return not_found
            return 301, {"Location": f"/t/{topic.slug}/{topic.id}.json"}, None
        if method == "GET" and parts[0] == "t" and len(parts) in (2, 3):
            slug = parts[1] if len(parts) == 3 else None
            topic_id = parts[-1].removesuffix(".json")
            topic = self.topics.get(int(topic_id)) if topic_id.isdigit() else None
            if topic is None:
                return not_found
            if slug is not None and slug != topic.slug:
                return 301, {"Location": f"/t/{topic.slug}/{topic.id}.json"}, None
            return 200, {}, self._topic_view(topic)
        if method == "GET" and parts[:2] == ["posts", "by_number"] and len(parts) == 4:
            topic = self.topics.get(int(parts[2]))
            number = int(parts[3].removesuffix(".json"))
            if topic is None:
                return not_found
            post = next(
                (self.posts[p] for p in topic.post_ids if self.posts[p]["post_number"] == number),
                None,
            )
            return (200, {}, post) if post is not None else not_found
        if method == "GET" and parts == ["posts.json"]:
            before = int(query["before"][0]) if "before" in query else None
            public = [
                p
                for p in sorted(self.posts.values(), key=lambda p: -p["id"])
                if self.topics[p["topic_id"]].archetype == "regular"
                and (before is None or p["id"] < before)
            ]
            return 200, {}, {"latest_posts": public[: self.page_size]}
        if method == "GET" and parts[0] == "c" and len(parts) == 2:
            category = int(parts[1].removesuffix(".json"))
            page = int(query.get("page", ["0"])[0])
            solved_only = query.get("solved", [""])[0] == "yes"
            listed = [
                t
                for t in self.topics.values()
                if t.category_id == category
                and (not solved_only or t.accepted_post_number is not None)
            ]
            listed.sort(key=lambda t: (not t.pinned, -self._last_posted(t)))
            chunk = listed[page * self.page_size : (page + 1) * self.page_size]
            more = len(listed) > (page + 1) * self.page_size
            return (
                200,
                {},
                {
                    "users": [],
                    "topic_list": {
                        "can_create_topic": True,
                        "more_topics_url": f"/c/{category}?page={page + 1}" if more else None,
                        "per_page": self.page_size,
                        "topics": [
                            {
                                "id": t.id,
                                "title": t.title,
                                "slug": t.slug,
                                "posts_count": len(t.post_ids),
                                "created_at": t.created_at,
                                "last_posted_at": self.posts[t.post_ids[-1]]["created_at"],
                                "bumped_at": self.posts[t.post_ids[-1]]["created_at"],
                                "archetype": t.archetype,
                                "pinned": t.pinned,
                                "category_id": t.category_id,
                                "has_accepted_answer": t.accepted_post_number is not None,
                                "can_have_answer": True,
                            }
                            for t in chunk
                        ],
                    },
                },
            )
        if method == "POST" and parts == ["posts"]:
            return self._create_post(form)
        if method == "PUT" and len(parts) == 2 and parts[0] == "posts":
            return self._edit_post(parts[1].removesuffix(".json"), form)
        if parts == ["admin", "badges.json"] and method in ("GET", "POST"):
            return self._list_badges() if method == "GET" else self._create_badge(form)
        if method == "POST" and parts in (["user_badges"], ["user_badges.json"]):
            return self._grant_badge(form)
        if method == "GET" and len(parts) == 2 and parts[0] == "user-badges":
            return self._badges_of(parts[1].removesuffix(".json"))
        return not_found

    def _last_posted(self, topic: _Topic) -> float:
        created = self.posts[topic.post_ids[-1]]["created_at"]
        return datetime.fromisoformat(created).timestamp()

    def _create_post(self, form: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        def one(key: str) -> str | None:
            value = form.get(key)
            if isinstance(value, list):
                return str(value[0]) if value else None
            return None if value is None else str(value)

        raw = one("raw") or ""
        author = one("api_username") or API_USERNAME
        if author.lower() not in self.users:
            self.add_user(
                author, f"{author}@forum.example.org", user_id=-1 if author == "system" else 1
            )
        topic_id = one("topic_id")
        if topic_id:
            topic = self.topics[int(topic_id)]
        else:
            external = one("external_id")
            if external and not re.fullmatch(r"[\w-]{1,50}", external):
                return (
                    422,
                    {},
                    {"errors": ["External is invalid"], "error_type": "invalid_parameters"},
                )
            if external and any(t.external_id == external for t in self.topics.values()):
                return (
                    422,
                    {},
                    {
                        "errors": ["External ID has already been taken"],
                        "error_type": "invalid_parameters",
                    },
                )
            archetype = one("archetype") or "regular"
            category = one("category")
            recipients = [u.strip() for u in (one("target_recipients") or "").split(",")]
            recipients = [u for u in recipients if u]
            if archetype == "private_message":
                refused = self._refused_recipients(recipients)
                if refused:
                    return 422, {}, {"errors": [refused], "error_type": "invalid_parameters"}
            self._next_topic += 1
            title = one("title") or "untitled"
            topic = _Topic(
                self._next_topic,
                title,
                _slugify(title),
                self.users[author.lower()]["id"],
                int(category) if category and archetype == "regular" else None,
                archetype,
                _now(),
                external_id=external,
                recipients=recipients if archetype == "private_message" else [],
                raw=raw,
            )
            self.topics[topic.id] = topic
        post = self._add_post(topic, author, _now(), f"<p>{raw}</p>")
        return 200, {}, dict(post)

    def _edit_post(self, post_id: str, form: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        """``PUT /posts/{id}`` (pydiscourse's ``update_post``): a new revision of the post."""
        post = self.posts.get(int(post_id)) if post_id.isdigit() else None
        raw = (form.get("post[raw]") or [None])[0]
        if post is None or raw is None:
            return 404, {}, {"errors": ["not found"], "error_type": "not_found"}
        reason = str((form.get("post[edit_reason]") or [""])[0])
        post.update(cooked=f"<p>{raw}</p>", version=int(post["version"]) + 1)
        topic = self.topics[post["topic_id"]]
        if topic.post_ids[0] == post["id"]:
            topic.raw = str(raw)
        self.edits.append({"post_id": post["id"], "raw": str(raw), "edit_reason": reason})
        return 200, {}, {"post": dict(post)}

    def _refused_recipients(self, usernames: list[str]) -> str | None:
        """Discourse's refusal of a private message to nobody or to unknown users."""
        if not usernames:
            return "You must choose a valid user."
        unknown = [u for u in usernames if u.lower() not in self.users]
        if unknown:
            return f"The following users could not be found: {', '.join(unknown)}"
        return None

    def private_messages(self, username: str) -> list[tuple[str, str]]:
        """(title, raw) of each private message sent to ``username``, oldest first."""
        with self._lock:
            return [
                (t.title, t.raw)
                for t in sorted(self.topics.values(), key=lambda t: t.id)
                if t.archetype == "private_message"
                and username.lower() in (r.lower() for r in t.recipients)
            ]

    # -- badges ---------------------------------------------------------------------
    _BADGE_TYPES = [
        {"id": 1, "name": "Gold", "sort_order": 9},
        {"id": 2, "name": "Silver", "sort_order": 8},
        {"id": 3, "name": "Bronze", "sort_order": 7},
    ]

    def granted(self, username: str) -> list[dict[str, Any]]:
        """The user badges held by ``username`` (tests' view, with ``badge_id``, ``post_id``)."""
        with self._lock:
            user = self.users.get(username.lower())
            return [b for b in self.user_badges if user and b["user_id"] == user["id"]]

    def _list_badges(self) -> tuple[int, dict[str, str], Any]:
        return (
            200,
            {},
            {
                "badges": list(self.badges.values()),
                "badge_types": self._BADGE_TYPES,
                "badge_groupings": [{"id": 5, "name": "Other", "position": 14, "system": True}],
                "admin_badges": {
                    "protected_system_fields": ["name", "badge_type_id", "query", "trigger"],
                    "triggers": {"none": 0, "post_action": 1, "post_revision": 2},
                    "badge_ids": list(self.badges),
                    "badge_grouping_ids": [5],
                    "badge_type_ids": [1, 2, 3],
                },
            },
        )

    def _create_badge(self, form: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        name = (form.get("name") or [""])[0].strip()
        errors = []
        if not name:
            errors.append("Name can't be blank")
        elif any(b["name"].lower() == name.lower() for b in self.badges.values()):
            errors.append("Name has already been taken")
        type_id = (form.get("badge_type_id") or [""])[0]
        if type_id not in ("1", "2", "3"):
            errors.append("Badge type can't be blank")
        if errors:
            return 422, {}, {"errors": errors, "error_type": "record_invalid"}
        self._next_badge += 1

        def flag(key: str, default: bool) -> bool:
            value = (form.get(key) or [None])[0]
            return default if value is None else value == "true"

        badge = {
            "id": self._next_badge,
            "name": name,
            "description": (form.get("description") or [""])[0],
            "grant_count": 0,
            "allow_title": flag("allow_title", False),
            "multiple_grant": flag("multiple_grant", False),
            "icon": "certificate",
            "image_url": None,
            "listable": flag("listable", True),
            "enabled": flag("enabled", True),
            "badge_grouping_id": 5,
            "system": False,
            "long_description": "",
            "slug": _slugify(name),
            "manually_grantable": True,
            "badge_type_id": int(type_id),
        }
        self.badges[badge["id"]] = badge
        return 200, {}, {"badge_types": self._BADGE_TYPES, "badge": badge}

    def _reason_post(self, reason: str) -> tuple[bool, int | None]:
        """Whether a grant's reason is acceptable, and the post it links to.

        Like Discourse: a path or an address on this forum, of a topic or a post.
        """
        split = urlsplit(reason)
        if split.netloc and split.netloc != urlsplit(self.url).netloc:
            return False, None
        parts = [p for p in split.path.split("/") if p]
        if not parts or parts[0] not in ("t", "p", "posts"):
            return False, None
        if parts[0] != "t" or "external_id" in parts:
            return True, None
        numbers = [int(p) for p in parts[1:] if p.isdigit()]
        if not numbers or numbers[0] not in self.topics:
            return True, None
        topic = self.topics[numbers[0]]
        number = numbers[1] if len(numbers) > 1 else 1
        post = next((p for p in topic.post_ids if self.posts[p]["post_number"] == number), None)
        return True, post

    def _grant_badge(self, form: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        username = (form.get("username") or [""])[0]
        user = self.users.get(username.lower())
        if user is None:
            return 404, {}, {"errors": ["The requested URL or resource could not be found."]}
        badge_id = (form.get("badge_id") or [""])[0]
        badge = self.badges.get(int(badge_id)) if badge_id.isdigit() else None
        if badge is None or not badge["enabled"]:
            return 404, {}, {"errors": ["The requested URL or resource could not be found."]}
        post_id = None
        reason = (form.get("reason") or [""])[0]
        if reason:
            valid, post_id = self._reason_post(reason)
            if not valid:
                return (
                    400,
                    {},
                    {
                        "success": "FAILED",
                        "message": "A badge reason must link to a topic or post on this forum.",
                    },
                )
        existing = next(
            (
                b
                for b in self.user_badges
                if b["badge_id"] == badge["id"] and b["user_id"] == user["id"]
            ),
            None,
        )
        if existing is None or badge["multiple_grant"]:
            existing = {
                "id": len(self.user_badges) + 1,
                "granted_at": _now(),
                "badge_id": badge["id"],
                "user_id": user["id"],
                "granted_by_id": -1,
                "post_id": post_id,
                "reason": reason or None,  # kept for the tests; Discourse keeps the post
            }
            self.user_badges.append(existing)
            badge["grant_count"] += 1
        public = {k: v for k, v in existing.items() if k != "reason"}
        return (
            200,
            {},
            {
                "badges": [badge],
                "badge_types": self._BADGE_TYPES,
                "granted_bies": [{"id": -1, "username": "system", "name": "system"}],
                "user_badge": public,
            },
        )

    def _badges_of(self, username: str) -> tuple[int, dict[str, str], Any]:
        user = self.users.get(username.lower())
        if user is None:
            return 404, {}, {"errors": ["The requested URL or resource could not be found."]}
        held = [b for b in self.user_badges if b["user_id"] == user["id"]]
        return (
            200,
            {},
            {
                "badges": [self.badges[b["badge_id"]] for b in held],
                "badge_types": self._BADGE_TYPES,
                "granted_bies": [{"id": -1, "username": "system", "name": "system"}],
                "user_badges": [{k: v for k, v in b.items() if k != "reason"} for b in held],
            },
        )

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.contains in path and failure.times > 0:
                    failure.times -= 1
                    return failure
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a test's short timeout) is expected; say nothing.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    owner: StandinDiscourse

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        form: dict[str, Any] = {}
        if raw:
            if (self.headers.get("Content-Type") or "").startswith("application/json"):
                form = {k: [v] for k, v in json.loads(raw).items()}
            else:
                form = parse_qs(raw.decode("utf-8"))
        query = parse_qs(split.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.owner.requests.append(Recorded(method, split.path, query, headers, form))

        failure = self.owner._take_failure(split.path)
        if failure is not None and failure.disconnect:
            self.close_connection = True
            return
        if failure is not None and failure.delay:
            time.sleep(failure.delay)
        elif failure is not None:
            self._send(failure.status, failure.headers, failure.body, failure.content_type)
            return
        if headers.get("api-key") != API_KEY or headers.get("api-username") != API_USERNAME:
            self._send(
                403,
                {},
                json.dumps(
                    {
                        "errors": ["You are not permitted to view the requested resource."],
                        "error_type": "invalid_access",
                    }
                ).encode(),
                JSON_TYPE,
            )
            return
        form.setdefault("api_username", [headers.get("api-username", API_USERNAME)])
        status, extra, body = self.owner.answer(method, split.path, query, form)
        if 300 <= status < 400:
            html = b'<html><body>You are being <a href="">redirected</a>.</body></html>'
            self._send(status, extra, html, "text/html; charset=utf-8")
            return
        self._send(status, extra, json.dumps(body).encode("utf-8"), JSON_TYPE)

    def _send(
        self, status: int, headers: dict[str, str], body: bytes, content_type: str | None
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
