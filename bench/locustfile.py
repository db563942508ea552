"""Mixed traffic for `bench/load.py`: visitors, clients and freelancers on the real pages, the API and /ws/.

bench/load.py seeds the database, serves the site and writes the plan this file reads (`LOAD_PLAN`: the
members to sign in as, the ids to visit, the 1,000 search queries). By hand, against a served site:

    LOAD_PLAN=var/load/plan.json .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s \\
        --host http://127.0.0.1:8000

Who is on the site (user-class weights), and what each does between pauses of 3 to 10 s (task weights):

- Visitors, 60 %, anonymous: the home page 2, the project list 3, a project 3, a freelancer's profile 3,
  the freelancer search page 3, the project search page 2, the search API 1, an MRC page 1, and the
  about page 1 (the trivial view: the baseline, measured under the same load in the same run).
- Clients, 20 %, signed in through the log-in form: the dashboard 2, their projects through the API 1,
  comparing the quotes of one of their open projects (the project page, then the quotes API sorted by
  price) 3, a freelancer's profile 1, the freelancer search page 1, publishing a project through the
  API 1, accepting a quote (the confirmation page, then the form) 1. Their socket stays open and
  receives the freelancers' messages.
- Freelancers, 20 %, signed in the same way: the project search page 2, a project 2, submitting a
  quote from a project page's form 1, their quotes through the API 1, the dashboard 1, the
  conversation list 1, and sending a chat message on /ws/ 3 (reported as "WS /ws/ send → ack": from
  the `send` frame to its `ack`).

Every request is named by its endpoint ("/projets/[id]/"), not by its URL. Each simulated person comes
from its own address (X-Forwarded-For, which the server trusts as it would from its TLS proxy), so the
per-IP rate limits see many people, as in production; each signed-in one is a different seeded member.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import time
import uuid
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

import gevent
import websocket
from gevent.event import AsyncResult
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8")) if os.environ.get("LOAD_PLAN") else {}
# A later run (the next step of a stepped load) starts further into the member lists: the per-member
# hourly limits (quotes, projects) then count each person once, as they would in real life.
MEMBER_OFFSET = int(os.environ.get("LOAD_MEMBER_OFFSET", "0"))
LOGIN_NAME = "/comptes/login/ [sign in]"
ACK_TIMEOUT = 10.0

_people = itertools.count(1)
_clients = itertools.count(MEMBER_OFFSET)
_freelancers = itertools.count(MEMBER_OFFSET)
_login_times: list[float] = []


class _Forms(HTMLParser):
    """The fields of each <form> of a page (by action), as a browser would submit them untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(attrs.get("action") or "", {})
        elif self._current is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self._current[attrs["name"]] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self._current.setdefault(attrs["name"], attrs.get("value") or "")
        elif self._current is not None and tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._current[self._textarea] = ""

    def handle_data(self, data):
        if self._current is not None and self._textarea:
            self._current[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "textarea":
            self._textarea = None


def page_form(html: str, action: str) -> dict[str, str] | None:
    """The fields of the form posting to `action` on this page, or None when the page has none."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms.get(action)


def _address(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@events.test_start.add_listener
def _reset_after_warm_up(environment, **_kwargs):
    # The ramp (sign-ins hash passwords) and the workers' first requests are not the steady state.
    after = float(os.environ.get("LOAD_RESET_AFTER", "0"))

    def reset():
        gevent.sleep(after)
        environment.stats.reset_all()

    if after > 0:
        gevent.spawn(reset)


@events.request.add_listener
def _keep_login_times(name, response_time, exception, **_kwargs):
    # Sign-ins happen while users spawn, before the statistics are reset: kept apart for the report.
    if name == LOGIN_NAME and exception is None:
        _login_times.append(response_time)


@events.quitting.add_listener
def _write_login_times(environment, **_kwargs):
    out = os.environ.get("LOAD_LOGINS_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(_login_times, fh)


class Person(FastHttpUser):
    """Someone on the site: their own address, their own cookies, a pause of 3 to 10 s between actions."""

    abstract = True
    wait_time = between(3, 10)

    def on_start(self):
        self.number = next(_people)
        self.rng = random.Random(self.number)
        self.headers = {"X-Forwarded-For": _address(self.number), "Accept-Language": "fr-CA,fr;q=0.9"}

    # --- HTTP helpers -------------------------------------------------------------------------------

    def get(self, path: str, name: str, **kwargs):
        return self.client.get(path, name=name, headers=self.headers | kwargs.pop("headers", {}), **kwargs)

    def api_get(self, path: str, name: str):
        return self.get(path, name, headers={"Accept": "application/json"})

    def csrf_cookie(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def post_form(self, path: str, name: str, fields: dict[str, str]):
        """POST a page's form; the answer must be the redirect that follows a success."""
        with self.client.post(
            path, name=name, data=fields, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"{response.status_code} instead of a redirect: {_excerpt(response.text)}")
            return response

    def api_post(self, path: str, name: str, body: dict | None = None, *, expect: int = 200):
        headers = self.headers | {"X-CSRFToken": self.csrf_cookie(), "Accept": "application/json"}
        with self.client.post(path, name=name, json=body or {}, headers=headers, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect}: {_excerpt(response.text)}")
            return response

    def search_query(self) -> str:
        query = self.rng.choice(PLAN["queries"])
        params = [("q", query["q"])]
        if query.get("near"):
            params += [("near", str(query["near"])), ("radius_km", str(query["radius_km"]))]
        return "&".join(f"{k}={_quote(v)}" for k, v in params)


def _quote(value: str) -> str:
    return quote(value, safe="")


def _excerpt(text: str | None) -> str:
    return " ".join((text or "").split())[:200]


class Visitor(Person):
    """Anonymous: browses, searches, reads profiles and projects."""

    weight = 6

    @task(2)
    def home(self):
        self.get("/", "/")

    @task(3)
    def project_list(self):
        page = self.rng.choice([1, 1, 1, 2, 3])
        self.get("/projets/" + (f"?page={page}" if page > 1 else ""), "/projets/")

    @task(3)
    def project(self):
        self.get(f"/projets/{self.rng.choice(PLAN['project_ids'])}/", "/projets/[id]/")

    @task(3)
    def profile(self):
        self.get(f"/pigistes/{self.rng.choice(PLAN['profile_ids'])}/", "/pigistes/[id]/")

    @task(3)
    def freelancer_search(self):
        self.get("/recherche/pigistes/?" + self.search_query(), "/recherche/pigistes/?q=[query]")

    @task(2)
    def project_search(self):
        self.get("/recherche/projets/?" + self.search_query(), "/recherche/projets/?q=[query]")

    @task(1)
    def search_api(self):
        self.api_get("/api/v1/search/freelancers/?" + self.search_query(), "/api/v1/search/freelancers/?q=[query]")

    @task(1)
    def mrc(self):
        self.get(f"/mrc/{self.rng.choice(PLAN['mrc_slugs'])}/", "/mrc/[slug]/")

    @task(1)
    def about(self):
        self.get("/a-propos/", "/a-propos/ [trivial view]")


class Member(Person):
    """A signed-in member: logs in through the form, then keeps one socket open like every page does."""

    abstract = True

    def on_start(self):
        super().on_start()
        self.account = self.next_account()
        self.log_in()
        self.socket = _Socket(self)
        self.socket.open()
        for conversation in self.account["conversations"]:
            self.socket.subscribe(conversation)

    def on_stop(self):
        self.socket.close()

    def next_account(self) -> dict:
        raise NotImplementedError

    def log_in(self):
        response = self.get("/comptes/login/", "/comptes/login/")
        fields = page_form(response.text, "/comptes/login/") or page_form(response.text, "") or {}
        fields.update(login=self.account["email"], password=PLAN["password"])
        self.post_form("/comptes/login/", LOGIN_NAME, fields)

    def cookie_header(self) -> str:
        jar: CookieJar = self.client.cookiejar
        return "; ".join(f"{c.name}={c.value}" for c in jar)


class Client(Member):
    """Publishes projects, compares the quotes on them and hires."""

    weight = 2

    def next_account(self) -> dict:
        clients = PLAN["clients"]
        account = clients[next(_clients) % len(clients)]
        self.live_projects = list(account["live_projects"])
        self.rng.shuffle(self.live_projects)
        return account

    @task(2)
    def dashboard(self):
        self.get("/tableau-de-bord/", "/tableau-de-bord/")

    @task(1)
    def my_projects(self):
        self.api_get("/api/v1/me/projects/", "/api/v1/me/projects/")

    @task(3)
    def compare_quotes(self):
        if not self.live_projects:
            return
        project = self.rng.choice(self.live_projects)
        self.get(f"/projets/{project}/", "/projets/[id]/ (owner)")
        self.api_get(f"/api/v1/projects/{project}/quotes/?sort=price", "/api/v1/projects/[id]/quotes/")

    @task(1)
    def profile(self):
        self.get(f"/pigistes/{self.rng.choice(PLAN['profile_ids'])}/", "/pigistes/[id]/")

    @task(1)
    def freelancer_search(self):
        self.get("/recherche/pigistes/?" + self.search_query(), "/recherche/pigistes/?q=[query]")

    @task(1)
    def publish(self):
        spec = self.rng.choice(PLAN["new_projects"])
        body = {
            "title": spec["title"],
            "description": spec["description"],
            "category": spec["category"],
            "skills": spec["skills"],
            "budget_type": "fixed",
            "budget_min": "800",
            "budget_max": "2500",
            "municipality": self.rng.choice(PLAN["municipality_ids"]),
            "quotes_due": PLAN["quotes_due"],
            "status": "open",
        }
        self.api_post("/api/v1/projects/", "/api/v1/projects/ [publish]", body, expect=201)

    @task(1)
    def accept(self):
        if not self.live_projects:
            return
        project = self.live_projects.pop()
        response = self.api_get(f"/api/v1/projects/{project}/quotes/?sort=price", "/api/v1/projects/[id]/quotes/")
        live = [q for q in _json(response) or [] if q.get("status") in ("pending", "shortlisted")]
        if not live:
            return
        quote = live[0]["id"]
        page = self.get(f"/soumissions/{quote}/accepter/", "/soumissions/[id]/accepter/ (confirm)")
        # The confirmation's form posts back to its own address (no action attribute).
        fields = page_form(page.text, f"/soumissions/{quote}/accepter/") or page_form(page.text, "")
        if fields is None:
            return
        self.post_form(f"/soumissions/{quote}/accepter/", "/soumissions/[id]/accepter/ [accept]", fields)


class Freelancer(Member):
    """Looks for projects, quotes on them, and chats with clients."""

    weight = 2

    def next_account(self) -> dict:
        freelancers = PLAN["freelancers"]
        account = freelancers[next(_freelancers) % len(freelancers)]
        self.quotable = list(account["quotable"])
        self.rng.shuffle(self.quotable)
        return account

    @task(2)
    def project_search(self):
        self.get("/recherche/projets/?" + self.search_query(), "/recherche/projets/?q=[query]")

    @task(2)
    def project(self):
        self.get(f"/projets/{self.rng.choice(PLAN['project_ids'])}/", "/projets/[id]/")

    @task(1)
    def submit_quote(self):
        if not self.quotable:
            return
        project = self.quotable.pop()
        page = self.get(f"/projets/{project}/", "/projets/[id]/")
        fields = page_form(page.text, f"/projets/{project}/soumissions/")
        if fields is None:
            return  # no longer open to quotes (awarded meanwhile): the page says so, nothing to send
        fields.update(
            pricing="fixed",
            amount=str(self.rng.randint(6, 60) * 100),
            delivery_days=str(self.rng.randint(5, 45)),
            charges_taxes=self.rng.choice(["1", "0"]),
            message="Bonjour, votre projet m'intéresse : je peux commencer la semaine prochaine. "
            "Voici mon approche et ce qui est compris dans le prix.",
        )
        self.post_form(f"/projets/{project}/soumissions/", "/projets/[id]/soumissions/ [quote]", fields)

    @task(1)
    def my_quotes(self):
        self.api_get("/api/v1/me/quotes/", "/api/v1/me/quotes/")

    @task(1)
    def dashboard(self):
        self.get("/tableau-de-bord/", "/tableau-de-bord/")

    @task(1)
    def conversations(self):
        self.get("/messages/", "/messages/")

    @task(3)
    def chat(self):
        if self.account["conversations"]:
            self.socket.send(self.rng.choice(self.account["conversations"]), self.rng.choice(PLAN["chat_lines"]))


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


class _Socket:
    """The member's /ws/ socket (websocket-client under gevent) and the greenlet reading it.

    A `send` frame's time to its `ack` is a Locust request ("WS", "/ws/ send → ack"); the reader
    answers the server's pings, so the socket stays open through the pauses.
    """

    def __init__(self, user: Member):
        self.user = user
        self.ws: websocket.WebSocket | None = None
        self.reader = None
        self.waiting: dict[str, AsyncResult] = {}
        self.received = 0

    def _fire(self, name: str, started: float, exception: Exception | None = None, length: int = 0):
        self.user.environment.events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=length,
            exception=exception,
            context={},
        )

    def open(self):
        host = self.user.host.rstrip("/")
        started = time.perf_counter()
        try:
            self.ws = websocket.create_connection(
                host.replace("http", "ws", 1) + "/ws/",
                cookie=self.user.cookie_header(),
                origin=host,
                header=[f"X-Forwarded-For: {self.user.headers['X-Forwarded-For']}"],
                timeout=30,
                enable_multithread=True,
            )
        except Exception as exc:  # noqa: BLE001 (any failure to connect is reported as one)
            self._fire("/ws/ connect", started, exc)
            self.ws = None
            return
        self._fire("/ws/ connect", started)
        self.reader = gevent.spawn(self._read)

    def _read(self):
        while self.ws is not None:
            try:
                text = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception:  # noqa: BLE001 (closed: whoever waits hears it)
                for pending in self.waiting.values():
                    pending.set(("closed", None))
                return
            if not text:
                continue
            self.received += 1
            frame = json.loads(text)
            kind = frame.get("type")
            if kind in ("ack", "error") and frame.get("client_id") in self.waiting:
                self.waiting.pop(frame["client_id"]).set((kind, frame))

    def subscribe(self, conversation: int):
        if self.ws is not None:
            self.ws.send(json.dumps({"type": "subscribe", "conversation": conversation, "after": 0}))

    def send(self, conversation: int, body: str):
        name = "/ws/ send → ack"
        if self.ws is None:
            self._fire(name, time.perf_counter(), ConnectionError("socket not open"))
            return
        client_id = str(uuid.uuid4())
        pending = self.waiting[client_id] = AsyncResult()
        started = time.perf_counter()
        frame = json.dumps({"type": "send", "conversation": conversation, "client_id": client_id, "body": body})
        self.ws.send(frame)
        try:
            kind, answer = pending.get(timeout=ACK_TIMEOUT)
        except gevent.Timeout:
            self.waiting.pop(client_id, None)
            self._fire(name, started, TimeoutError(f"no ack in {ACK_TIMEOUT:g} s"))
            return
        if kind == "ack":
            self._fire(name, started, length=len(frame))
        else:
            self._fire(name, started, RuntimeError(f"{kind}: {answer}"))

    def close(self):
        ws, self.ws = self.ws, None
        if ws is not None:
            with contextlib.suppress(Exception):  # closing at the end of the run
                ws.close()
        if self.reader is not None:
            self.reader.kill()
