/* The site-wide live socket (/ws/, one per tab): header badges, notifications, quotes, and the
 * transport chat.js uses. Reconnects by itself with backoff and shows its state in [data-live-state].
 * Frames are documented in messaging/PROTOCOL.md. No inline script: loaded from base.html. */
(function () {
  "use strict";
  // Loaded once per page even if a template includes it again.
  if (window.PigisteLive || !document.body || !document.body.dataset.user || !("WebSocket" in window)) { return; }

  var fr = (document.documentElement.lang || "fr").indexOf("fr") === 0;
  var TEXT = {
    connected: fr ? "Connecté" : "Connected",
    connecting: fr ? "Connexion…" : "Connecting…",
    reconnecting: fr ? "Reconnexion…" : "Reconnecting…"
  };
  var handlers = {};
  var subscriptions = {};   // conversation id -> function returning the last id seen
  var queue = [];           // frames waiting for an open socket
  var socket = null;
  var attempt = 0;
  var state = "connecting";

  function on(type, fn) { (handlers[type] = handlers[type] || []).push(fn); }
  function emit(type, frame) { (handlers[type] || []).forEach(function (fn) { fn(frame); }); }

  function setState(next) {
    state = next;
    document.documentElement.dataset.liveConnection = next;
    document.querySelectorAll("[data-live-state]").forEach(function (el) {
      el.textContent = TEXT[next] || next;
      el.dataset.state = next;
    });
    emit("state", { state: next });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    queue.push(frame);
    return false;
  }

  function subscribe(conversation, lastId) {
    subscriptions[conversation] = lastId;
    send({ type: "subscribe", conversation: conversation, after: lastId() || 0 });
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/";
    socket = new WebSocket(url);
    socket.onopen = function () {
      attempt = 0;
      setState("connected");
      // Resume every conversation from the last id this tab has: the server sends what we missed, in order.
      Object.keys(subscriptions).forEach(function (id) {
        socket.send(JSON.stringify({ type: "subscribe", conversation: Number(id), after: subscriptions[id]() || 0 }));
      });
      var pending = queue; queue = [];
      pending.forEach(function (frame) { if (frame.type !== "subscribe") { socket.send(JSON.stringify(frame)); } });
      emit("open", {});
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      emit(frame.type, frame);
    };
    socket.onclose = function () {
      socket = null;
      setState("reconnecting");
      emit("close", {});
      // Exponential backoff with jitter, capped at 15 s, so a restarted server isn't stampeded.
      var delay = Math.min(15000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    };
  }

  function setBadge(name, count) {
    document.querySelectorAll('[data-live-badge="' + name + '"]').forEach(function (el) {
      el.textContent = String(count);
      el.dataset.count = String(count);
    });
  }

  on("unread", function (frame) {
    if (typeof frame.total === "number") { setBadge("messages", frame.total); }
    if (typeof frame.notifications === "number") { setBadge("notifications", frame.notifications); }
    if (typeof frame.groups === "number") { setBadge("groups", frame.groups); }
    var per = frame.conversations || {};
    Object.keys(per).forEach(function (id) {
      document.querySelectorAll('[data-live-conversation-badge="' + id + '"]').forEach(function (el) {
        el.textContent = String(per[id]);
        el.dataset.count = String(per[id]);
        var item = el.closest(".inbox-item");
        if (item) { item.classList.toggle("is-unread", per[id] > 0); }
      });
    });
  });

  function toast(title, body, url) {
    var box = document.querySelector(".live-toasts");
    if (!box) {
      box = document.createElement("div");
      box.className = "live-toasts";
      // Styled through the CSSOM (allowed by a strict CSP) so every page shows toasts without messaging.css.
      Object.assign(box.style, {
        position: "fixed", right: "1rem", bottom: "1rem", display: "flex", flexDirection: "column",
        gap: ".5rem", zIndex: "50", maxWidth: "min(360px, calc(100vw - 2rem))"
      });
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    var item = document.createElement(url ? "a" : "div");
    item.className = "live-toast";
    Object.assign(item.style, {
      display: "flex", flexDirection: "column", gap: ".15rem", background: "#fff", color: "#1d2430",
      border: "1px solid #dde2ea", borderLeft: "4px solid #1f5fbf", borderRadius: "10px",
      padding: ".7rem .9rem", boxShadow: "0 6px 24px rgba(0,0,0,.12)", textDecoration: "none"
    });
    if (url) { item.href = url; }
    var strong = document.createElement("strong");
    strong.textContent = title;
    item.appendChild(strong);
    if (body) {
      var span = document.createElement("span");
      span.textContent = body;
      item.appendChild(span);
    }
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  // The inbox page: a change in a conversation re-fetches the list (order, last message, new rows).
  var inboxTimer = null;
  on("unread", function (frame) {
    var inbox = document.querySelector("[data-inbox-live]");
    if (!inbox || !frame.conversations) { return; }
    clearTimeout(inboxTimer);
    inboxTimer = setTimeout(function () {
      fetch(location.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-inbox-live]");
          if (fresh) { inbox.innerHTML = fresh.innerHTML; }
        });
    }, 150);
  });

  on("notification", function (frame) {
    setBadge("notifications", frame.unread);
    var n = frame.notification || {};
    toast(n.title || "", n.body || "", n.url || "");
  });

  on("quote", function (frame) {
    // The owner's project page: re-fetch its quotes section so a new quote appears without reload.
    document.querySelectorAll("[data-live-quotes-url]").forEach(function (section) {
      var project = section.dataset.projectId || section.dataset.project;
      if (project && String(project) !== String(frame.project)) { return; }
      fetch(section.dataset.liveQuotesUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { section.innerHTML = html; } });
    });
    // A freelancer's view of their quote: update its status label in place (the notification
    // frame that comes with a decision shows the toast).
    document.querySelectorAll('[data-quote-status][data-quote-id="' + frame.quote + '"]').forEach(function (el) {
      el.textContent = frame.status_label;
      el.className = el.className.replace(/\bstatus-[a-z]+\b/g, "").trim() + " status-" + frame.status;
    });
  });

  // A new post on a group's board: the header's "Groupes" count (the group page shows the post: bulletin.js).
  on("bulletin", function (frame) {
    if (typeof frame.unread_groups === "number") { setBadge("groups", frame.unread_groups); }
  });

  window.PigisteLive = { on: on, send: send, subscribe: subscribe, state: function () { return state; } };
  setState("connecting");
  connect();
})();
