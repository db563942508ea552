"""The only caller of the channel layer: live pushes to members' open sockets, sent after the commit.

Every app pushes through here (below them all): chat events (messaging.events), a member's own
events such as a new notification (notifications.events) or a quote that changed state
(projects.events). Pushes are hints (the Redis pub/sub layer delivers at most once and may be
down): the database is the source of truth and clients catch up by id. A failed push is counted,
never raised to the writer: an outage writes one log line when the layer goes and one when it is
back, with the number of pushes skipped. A watch per process tells the sockets when Redis is back,
so they read what they missed.

Group names are namespaced `messaging.user.<id>` (every socket of a member) and the groups an app
names for itself (`messaging.conversation.<id>`); event types are `messaging.<frame type>`, handled
by the one socket, `messaging.consumers.LiveConsumer` (frames in messaging/PROTOCOL.md). The names
stay those of the socket's app: processes of two releases share them during a deploy.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """The group of every open socket of one member."""
    return f"messaging.user.{user_id}"


# --- Outage: two log lines, whatever the traffic ------------------------------------------------


class _LayerOutage:
    """Process-wide state of the channel layer, for the logs: one line when it goes, one when it is back.

    A traceback per failed push wrote 8,963 lines in a 10 s Redis outage. Every failure (push, join,
    probe, the layer's own subscriber) is reported here instead, and only the changes are written.
    Thread-safe: pushes fail in the server's event loop and in `async_to_sync` threads alike.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.skipped = 0

    def failed(self, reason: BaseException | str, *, skipped: int = 0) -> None:
        """Something could not reach the layer; `skipped` pushes are lost (clients catch up by id)."""
        with self._lock:
            first = self.down_since is None
            if first:
                self.down_since, self.skipped = time.monotonic(), 0
            self.skipped += skipped
        if first:
            if isinstance(reason, BaseException):
                reason = f"{type(reason).__name__}: {reason}".rstrip(": ")
            logger.warning(
                "Channel layer unreachable (%s); live pushes are skipped until it is back, "
                "clients catch up from the database.",
                reason,
            )

    def succeeded(self) -> None:
        """A publish went through: if the layer was down, say it is back and what was skipped meanwhile."""
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            skipped, self.down_since, self.skipped = self.skipped, None, 0
        logger.warning(
            "Channel layer back after %.0f s; %d live pushes were skipped meanwhile (clients catch up by id).",
            seconds,
            skipped,
        )


_outage = _LayerOutage()

# What an unreachable Redis raises; anything else is a bug, logged in full each time.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)


class PushesFailed(Exception):
    """Part of a batch was not sent: the layer's hosts that failed (one shard down), the others did."""

    def __init__(self, errors: list[BaseException], *, skipped: int):
        super().__init__("; ".join(f"{type(error).__name__}: {error}" for error in errors))
        self.errors = errors
        self.skipped = skipped


def _layer_error(exc: Exception, what: str, *, skipped: int = 0) -> None:
    if isinstance(exc, PushesFailed):
        # Only the down shards' pushes are lost; an outage only if each of them was unreachable.
        skipped = exc.skipped
        if all(isinstance(error, UNREACHABLE) for error in exc.errors):
            _outage.failed(exc.errors[0], skipped=skipped)
            return
        logger.error("%s failed on some of the layer's hosts; clients catch up by id.", what, exc_info=exc)
        return
    if isinstance(exc, UNREACHABLE):
        _outage.failed(exc, skipped=skipped)
    else:
        logger.error("%s failed; clients catch up by id.", what, exc_info=exc)


def layer_unreachable(reason: BaseException | str) -> None:
    """Note that the channel layer can't be reached (for code outside this module: messaging.layer)."""
    _outage.failed(reason)


# --- Sending from synchronous code (services, after commit) -----------------------------------


def push_to_user(user_id: int, event: dict) -> None:
    """Push one event to every open socket of a member; never raises (see `push_all`)."""
    push_all([(user_group(user_id), event)])


def push_all(pushes: list[tuple[str, dict]]) -> None:
    """Send pushes in order; never raises, and never holds the writer up when an event loop can do it.

    Called from a worker thread of the ASGI server (a consumer's or a view's ORM work, under
    `ServerLoopMiddleware`), the pushes are handed to the server's event loop and the thread goes back
    to serving: waiting for Redis there held a database thread for several round trips per message,
    and for seconds while Redis was down. Anywhere else (tests, commands) they are sent before returning.
    """
    layer = get_channel_layer()
    if layer is None or not pushes:
        return
    loop = _server_loop()
    if loop is not None:
        loop.call_soon_threadsafe(_queue_pushes, layer, pushes)
    elif isinstance(layer, InMemoryChannelLayer):
        # Its queues belong to the loop of whoever reads them, which async_to_sync finds for us.
        async_to_sync(_push_in_order)(layer, pushes)
    else:
        asyncio.run_coroutine_threadsafe(_push_in_order(layer, pushes), _pushing_loop()).result()


_pushing_loop_lock = threading.Lock()
_pushing_loop_running: asyncio.AbstractEventLoop | None = None


def _pushing_loop() -> asyncio.AbstractEventLoop:
    """The event loop, in a thread of its own, that sends the pushes of a process with no ASGI server.

    `async_to_sync` would start a new loop, and so a new Redis connection, for every push: the
    search outbox drain and the task worker, which notify members one by one, spent most of their
    time connecting to Redis. One loop keeps the layer's connections from one push to the next.
    """
    global _pushing_loop_running
    with _pushing_loop_lock:
        if _pushing_loop_running is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-pushes", daemon=True).start()
            _pushing_loop_running = loop
        return _pushing_loop_running


# The event loop of the ASGI server whose request or socket this code works for. `ServerLoopMiddleware`
# sets it in each connection's task; asgiref copies the context into the worker threads that
# `sync_to_async` (and `database_sync_to_async`) run ORM code in, so a service called from there sees it.
_server_loop_var: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "live_server_loop", default=None
)


class ServerLoopMiddleware:
    """ASGI middleware: remember the event loop serving this connection, for pushes from its worker threads."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        _server_loop_var.set(asyncio.get_running_loop())
        return await self.app(scope, receive, send)


def _server_loop():
    """The running event loop of the ASGI server this code works for, if any."""
    loop = _server_loop_var.get()
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


class _Outbox:
    """Per event loop: pushes handed over by worker threads, sent by one task in hand-over order.

    Everything waiting when the task comes round leaves in one batch (one Redis round trip with a
    layer that has `group_send_many`): under load, pushes one at a time were the bottleneck. One
    queue keeps every push in the order it was handed over; within a conversation that is the
    order of the commits (the row lock orders them) unless two threads race to hand over, and the
    sockets' gap check repairs that case from the database.
    """

    def __init__(self, layer):
        self.layer = layer
        self.pending: list[tuple[str, dict]] = []
        self.task: asyncio.Task | None = None

    def add(self, pushes) -> None:
        self.pending.extend(pushes)
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                await _push_in_order(self.layer, batch)
        finally:
            self.task = None


_outboxes: dict = {}


def _for_this_loop(registry: dict, layer, make):
    """This event loop's entry of `registry`, made anew for another layer; closed loops' entries dropped."""
    loop = asyncio.get_running_loop()
    entry = registry.get(loop)
    if entry is None or entry.layer is not layer:
        for old_loop in [key for key in registry if key.is_closed()]:
            del registry[old_loop]
        entry = registry[loop] = make(layer)
    return entry


def _queue_pushes(layer, pushes) -> None:
    """Runs in the event loop: queue these pushes behind the ones handed over before them."""
    _for_this_loop(_outboxes, layer, _Outbox).add(pushes)


async def _push_in_order(layer, pushes) -> None:
    # Redis down or slow: the writes are committed; sockets catch up from the database.
    send_many = getattr(layer, "group_send_many", None)
    if send_many is not None:
        try:
            await send_many(pushes)
        except Exception as exc:
            _layer_error(exc, f"Live push of {len(pushes)} events", skipped=len(pushes))
        else:
            _outage.succeeded()
        return
    for group, event in pushes:
        try:
            await layer.group_send(group, event)
        except Exception as exc:
            _layer_error(exc, f"Live push to {group}", skipped=1)
        else:
            _outage.succeeded()


# --- Used by the WebSocket consumer (async) ------------------------------------------------------


async def new_channel() -> str | None:
    """A channel for one socket. The pub/sub layer subscribes it in Redis: if that fails (Redis
    down), retry (the handshake waits, the browser shows "reconnecting") rather than fail the socket."""
    layer = get_channel_layer()
    if layer is None:
        return None
    delay = 0.2
    while True:
        try:
            channel = await layer.new_channel()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            _layer_error(exc, "A new socket's channel")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
        else:
            return channel


async def receive(channel_name: str) -> dict:
    """Wait for the next event of a socket's channel (the pub/sub layer reads from a local queue)."""
    layer = get_channel_layer()
    delay = 0.2
    while True:
        try:
            return await layer.receive(channel_name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # A layer that reads Redis per receive: wait it out; the watch below reports the recovery.
            _layer_error(exc, f"Receiving on {channel_name}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


# --- Knowing when Redis came back ----------------------------------------------------------------

# channels-redis' pub/sub layer reconnects and resubscribes by itself but never says so, and what
# was published meanwhile is gone: the sockets must hear about the recovery to read the database.
# A probe makes the round trip through the layer (publish, then the same subscriber connection), on
# each of its Redis hosts when it has several (settings.CHANNEL_REDIS_URLS), every PROBE_INTERVAL;
# after a failure, the first probe back tells every socket of the process.
# A refused publish is a failure at once; a probe that doesn't come back only after PROBE_TIMEOUT:
# a busy process is slow, not down, and a false alarm would send every socket to the database at
# once. The interval is shorter than the layer's one-second pause before it reconnects, so even a
# quick Redis restart loses at least one probe and is noticed.
PROBE_INTERVAL = 0.5
PROBE_TIMEOUT = 10.0
# While failed: how long one probe may take before the next is sent (recovery is noticed quickly).
PROBE_RETRY = 1.0


class _LayerWatch:
    """Per event loop (the pub/sub layer keeps one connection per loop): probes while sockets listen."""

    def __init__(self, layer):
        self.layer = layer
        self.listeners: set = set()
        self.task: asyncio.Task | None = None
        self.failed = False

    def add(self, callback) -> None:
        self.listeners.add(callback)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def discard(self, callback) -> None:
        self.listeners.discard(callback)
        if not self.listeners and self.task is not None:
            task, self.task = self.task, None
            task.cancel()
            # The probe unsubscribes its channel as it stops: wait (briefly) so that isn't cut short.
            await asyncio.wait({task}, timeout=2)

    def _set_failed(self, failed: bool, reason: BaseException | str = "") -> None:
        # Only this watch's own changes reach the outage log: a probe lost while the subscriber
        # connection comes back, after a push already said "back", is not a new outage.
        if failed and not self.failed:
            _outage.failed(reason or "the probe did not come back")
        elif self.failed and not failed:
            _outage.succeeded()
            for callback in list(self.listeners):
                callback()
        self.failed = failed

    async def _run(self) -> None:
        channel = None
        while channel is None:
            try:
                channel = await self.layer.new_channel(prefix="messaging.probe.")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._set_failed(True, exc)
                await asyncio.sleep(PROBE_INTERVAL)
        # A layer on several Redis hosts (messaging.layer): one probe group on each, joined by this
        # channel, so that one host down is noticed and not only the channel's own. Else the channel.
        group_per_shard = getattr(self.layer, "group_per_shard", None)
        groups = group_per_shard("messaging.probe.") if group_per_shard is not None else []
        targets = groups or [None]
        seen, arrived = dict.fromkeys(range(len(targets)), 0), asyncio.Event()

        async def listen():
            while True:
                event = await self.layer.receive(channel)
                target = event.get("target", 0)
                if target in seen:
                    seen[target] = max(seen[target], event.get("seq", 0))
                arrived.set()

        async def probe(target: int, seq: int) -> None:
            event = {"type": "messaging.probe", "seq": seq, "target": target}
            if targets[target] is None:
                await self.layer.send(channel, event)
            else:
                # Joining again is free once joined (no Redis call), and repairs a join that failed.
                await self.layer.group_add(targets[target], channel)
                await self.layer.group_send(targets[target], event)

        listener = asyncio.get_running_loop().create_task(listen())
        seq = 0
        try:
            while True:
                seq += 1
                timeout = PROBE_RETRY if self.failed else PROBE_TIMEOUT
                try:
                    async with asyncio.timeout(timeout):
                        # Every host at once: a down one must not hold up the others' probes.
                        results = await asyncio.gather(*(probe(target, seq) for target in seen), return_exceptions=True)
                        for result in results:
                            if isinstance(result, BaseException):
                                raise result
                        while min(seen.values()) < seq:
                            arrived.clear()
                            await arrived.wait()
                    self._set_failed(False)
                except asyncio.CancelledError:
                    raise
                except TimeoutError:
                    self._set_failed(True, f"the probe did not come back within {timeout:.0f} s")
                except Exception as exc:
                    self._set_failed(True, exc)
                await asyncio.sleep(PROBE_INTERVAL)
        finally:
            # Let it unsubscribe its channel and groups before this task ends (a task left pending is
            # cancelled again when the loop closes, in the middle of that).
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            for group in groups:
                with contextlib.suppress(Exception):
                    await self.layer.group_discard(group, channel)


_watches: dict = {}


def watch_layer(on_recovered) -> None:
    """Call `on_recovered()` (in this event loop) each time the layer comes back after an outage."""
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        return  # in-process: never down
    _for_this_loop(_watches, layer, _LayerWatch).add(on_recovered)


async def unwatch_layer(on_recovered) -> None:
    watch = _watches.get(asyncio.get_running_loop())
    if watch is not None:
        await watch.discard(on_recovered)


async def join(channel_name: str, group: str) -> bool:
    """Join a group; False if the layer is down (the socket retries, then catches up)."""
    layer = get_channel_layer()
    try:
        await layer.group_add(group, channel_name)
    except Exception as exc:
        _layer_error(exc, f"Joining {group}")
        return False
    # Not a sign that Redis is back: the pub/sub layer joins a group its connection already has
    # without asking Redis. Only a publish (a push, the watch's probe) says so.
    return True


async def leave(channel_name: str, group: str) -> None:
    layer = get_channel_layer()
    try:
        await layer.group_discard(group, channel_name)
    except Exception as exc:
        # The membership goes with the subscriber connection that Redis lost anyway.
        _layer_error(exc, f"Leaving {group}")


async def push_now(group: str, event: dict) -> None:
    """From async code: push one event that is not saved anywhere (lost pushes don't matter)."""
    layer = get_channel_layer()
    try:
        await layer.group_send(group, event)
    except Exception as exc:
        _layer_error(exc, f"Live push to {group}", skipped=1)
    else:
        _outage.succeeded()
