/* The conversation page: live messages over the site socket (static/js/live.js), typing, "Vu".
 * Each message gets its own id (UUID) before it leaves; unacknowledged ones are sent again after
 * a reconnection and the server answers with the saved message instead of a duplicate.
 * Messages stand in id order, each once; the page resumes after the last one the socket's ordered
 * stream delivered (never after an ack: the other side's earlier messages may still be on their way). */
(function () {
  "use strict";
  var root = document.querySelector("[data-chat]");
  if (!root || !window.PigisteLive) { return; }
  var live = window.PigisteLive;
  var conversation = Number(root.dataset.conversation);
  var me = Number(root.dataset.me);
  var other = Number(root.dataset.other);
  // Names of the members beyond the two sides (a joint quote's conversation), by id.
  var namesScript = document.getElementById("chat-member-names");
  var memberNames = namesScript ? JSON.parse(namesScript.textContent) : {};
  var log = root.querySelector("[data-chat-log]");
  var form = root.querySelector("[data-chat-form]");
  var input = root.querySelector("[data-chat-input]");
  var files = root.querySelector("[data-chat-files]");
  var fileNames = root.querySelector("[data-chat-file-names]");
  var errorBox = root.querySelector("[data-chat-error]");
  var typingBox = root.querySelector("[data-chat-typing]");
  var readOnly = root.dataset.readOnly === "true";
  // Times are written as the server writes them (messaging_tags.chat_time): its format and words, in
  // its time zone, not the browser's, so a time reads the same live and after a reload.
  var timeSpec = JSON.parse(document.getElementById("chat-time-format").textContent);
  var clock = new Intl.DateTimeFormat("en-US", {
    timeZone: timeSpec.time_zone, year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", hourCycle: "h23"
  });

  // The last id of the server's ordered stream (the page, then the socket's message frames): everything
  // up to it is on screen. Acks and the HTTP send's answer don't move it, so a resume never skips a gap.
  var shownUpTo = 0;
  var otherRead = Number(root.dataset.otherRead || 0);
  var pending = {};         // client id -> send frame, until acknowledged
  var typingTimer = null;
  var lastTypingSent = 0;
  var lastReadSent = 0;

  log.querySelectorAll("[data-id]").forEach(function (li) { shownUpTo = Math.max(shownUpTo, Number(li.dataset.id)); });

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // A subset of Django's date format characters: those messaging_tags.chat_time_spec accepts.
  function formatTime(iso) {
    var t = {};
    clock.formatToParts(new Date(iso)).forEach(function (part) { t[part.type] = Number(part.value); });
    var hour = t.hour % 24;  // some engines write midnight as 24 even in h23
    var numbers = {
      j: t.day, d: pad(t.day), n: t.month, m: pad(t.month), Y: t.year,
      G: hour, H: pad(hour), g: hour % 12 || 12, i: pad(t.minute)
    };
    var format = timeSpec.format;
    var out = "";
    for (var i = 0; i < format.length; i++) {
      var c = format.charAt(i);
      var words = timeSpec.words[c];
      if (c === "\\") { i += 1; out += format.charAt(i); }
      else if (words) { out += words.length === 12 ? words[t.month - 1] : words[hour < 12 ? 0 : 1]; }
      else if (Object.prototype.hasOwnProperty.call(numbers, c)) { out += numbers[c]; }
      else { out += c; }
    }
    return out;
  }

  function showError(text) {
    if (!errorBox) { return; }
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; window.scrollTo(0, document.body.scrollHeight); }

  function bubble(message, mine) {
    var li = document.createElement("li");
    li.className = "chat-message " + (mine ? "is-mine" : "is-theirs");
    li.dataset.clientId = message.client_id;
    var box = document.createElement("div");
    box.className = "chat-bubble";
    var body = document.createElement("div");
    body.className = "chat-body";
    box.appendChild(body);
    li.appendChild(box);
    var meta = document.createElement("div");
    meta.className = "chat-meta small muted";
    // A member a joint quote added: say who wrote, as the page does for the messages it rendered.
    if (!mine && message.sender !== other && memberNames[String(message.sender)]) {
      var sender = document.createElement("span");
      sender.className = "chat-sender";
      sender.textContent = memberNames[String(message.sender)];
      meta.appendChild(sender);
      meta.appendChild(document.createTextNode(" · "));
    }
    var time = document.createElement("time");
    meta.appendChild(time);
    if (mine) {
      var seen = document.createElement("span");
      seen.className = "chat-seen";
      seen.dataset.seen = "";
      seen.hidden = true;
      seen.textContent = " · " + root.dataset.textSeen;
      meta.appendChild(seen);
      var status = document.createElement("span");
      status.className = "chat-status";
      status.dataset.status = "";
      meta.appendChild(status);
    }
    li.appendChild(meta);
    return li;
  }

  function fill(li, message) {
    li.dataset.id = String(message.id);
    li.dataset.filled = "1";
    li.classList.remove("is-pending", "is-failed");
    var body = li.querySelector(".chat-body");
    // body_html is rendered by the server's one renderer: text escaped, links made clickable.
    body.innerHTML = message.body_html || "";
    body.hidden = !message.body;
    (message.attachments || []).forEach(function (a) {
      var link = document.createElement("a");
      link.className = "chat-attachment";
      link.href = a.url;
      link.textContent = "📎 " + a.name;
      li.querySelector(".chat-bubble").appendChild(link);
    });
    var time = li.querySelector("time");
    time.dateTime = message.created_at;
    time.textContent = formatTime(message.created_at);
    var status = li.querySelector("[data-status]");
    if (status) { status.textContent = ""; }
  }

  function applySeen() {
    log.querySelectorAll(".is-mine[data-id]").forEach(function (li) {
      var seen = li.querySelector("[data-seen]");
      if (seen) { seen.hidden = Number(li.dataset.id) > otherRead; }
    });
  }

  function markRead() {
    if (readOnly || document.visibilityState !== "visible") { return; }
    var newest = 0;
    log.querySelectorAll(".is-theirs[data-id]").forEach(function (li) { newest = Math.max(newest, Number(li.dataset.id)); });
    if (newest > lastReadSent) {
      lastReadSent = newest;
      live.send({ type: "read", conversation: conversation, up_to: newest });
    }
  }

  // Keep the log in id order: a message goes before the first one with a higher id, or before those
  // still being sent (no id yet), which stay at the end.
  function place(li) {
    var id = Number(li.dataset.id);
    var items = log.querySelectorAll(".chat-message");
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (item !== li && (!item.dataset.id || Number(item.dataset.id) > id)) {
        if (li.nextElementSibling !== item) { log.insertBefore(li, item); }
        return;
      }
    }
    if (log.lastElementChild !== li) { log.appendChild(li); }
  }

  // `inStream`: the frame came from the socket's ordered stream (not from the HTTP send's answer).
  function render(message, inStream) {
    if (message.conversation !== conversation) { return; }
    if (inStream) { shownUpTo = Math.max(shownUpTo, message.id); }
    if (log.querySelector('[data-id="' + message.id + '"][data-filled]')) { return; }
    var empty = log.querySelector("[data-chat-empty]");
    if (empty) { empty.remove(); }
    var mine = message.sender === me;
    var li = log.querySelector('[data-client-id="' + message.client_id + '"]');
    if (!li) {
      li = bubble(message, mine);
      log.appendChild(li);
    }
    fill(li, message);
    place(li);
    delete pending[message.client_id];
    if (!mine && typingBox) { typingBox.hidden = true; }
    applySeen();
    scrollDown();
    if (!mine) { markRead(); }
  }

  live.on("message", function (frame) { render(frame.message, true); });
  live.on("subscribed", function (frame) {
    if (frame.conversation !== conversation) { return; }
    otherRead = Math.max(otherRead, Number((frame.read || {})[String(other)] || 0));
    applySeen();
    markRead();
  });
  live.on("read", function (frame) {
    if (frame.conversation !== conversation || frame.user !== other) { return; }
    otherRead = Math.max(otherRead, frame.up_to);
    applySeen();
  });
  live.on("typing", function (frame) {
    if (frame.conversation !== conversation || frame.user !== other || !typingBox) { return; }
    typingBox.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingBox.hidden = true; }, 4000);
  });
  live.on("ack", function (frame) {
    if (frame.conversation !== conversation) { return; }
    var li = log.querySelector('[data-client-id="' + frame.client_id + '"]');
    // Saved on the server: the message frame that follows fills in the time and links.
    if (li && !li.dataset.id) { li.dataset.id = String(frame.id); li.classList.remove("is-pending"); place(li); }
    var status = li && li.querySelector("[data-status]");
    if (status && !li.dataset.filled) { status.textContent = ""; }
    delete pending[frame.client_id];
  });
  live.on("error", function (frame) {
    if (frame.client_id && pending[frame.client_id]) {
      var li = log.querySelector('[data-client-id="' + frame.client_id + '"]');
      if (frame.code === "slow_down" || frame.code === "server_error") {
        showError(frame.message);   // kept pending: sent again by the retry loop
        return;
      }
      // Refused for good (too long, blocked…): give the text back so nothing typed is lost.
      if (!input.value) { input.value = pending[frame.client_id].body; }
      delete pending[frame.client_id];
      if (li) { li.remove(); }
    }
    if (!frame.conversation || frame.conversation === conversation) { showError(frame.message); }
  });
  live.on("open", function () {
    // After a reconnection live.js has re-subscribed from shownUpTo; send again what was never acknowledged.
    Object.keys(pending).forEach(function (id) { live.send(pending[id]); });
  });
  // Pending messages are retried every few seconds until acknowledged (idempotent on the server).
  setInterval(function () {
    if (live.state() !== "connected") { return; }
    Object.keys(pending).forEach(function (id) { live.send(pending[id]); });
  }, 5000);

  live.subscribe(conversation, function () { return shownUpTo; });
  // Pushes are hints (the channel layer may drop one): while one of my messages waits for its "Vu",
  // subscribe again now and then; the server answers with the read marks and anything missed.
  // Every 5 s for the first minute of waiting, then every minute, so idle tabs cost almost nothing.
  var waitingTicks = 0;
  setInterval(function () {
    var unseen = log.querySelector(".is-mine[data-id] [data-seen][hidden]");
    if (!unseen) { waitingTicks = 0; return; }
    waitingTicks += 1;
    if (live.state() !== "connected" || (waitingTicks > 12 && waitingTicks % 12 !== 0)) { return; }
    live.send({ type: "subscribe", conversation: conversation, after: shownUpTo });
  }, 5000);
  document.addEventListener("visibilitychange", markRead);
  applySeen();
  scrollDown();

  if (!form || readOnly) { return; }

  function csrfToken() {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function sendWithFiles(body) {
    var data = new FormData();
    var clientId = uuid4();
    data.append("client_id", clientId);
    data.append("body", body);
    Array.prototype.forEach.call(files.files, function (f) { data.append("attachments", f); });
    var button = form.querySelector("[data-chat-send]");
    button.disabled = true;
    return fetch(root.dataset.apiUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) {
        var messages = [];
        Object.keys(result.json).forEach(function (k) { messages = messages.concat(result.json[k]); });
        showError(messages.join(" "));
        return;
      }
      files.value = "";
      if (fileNames) { fileNames.textContent = ""; }
      input.value = "";
      render(result.json, false);
    }).catch(function () {
      button.disabled = false;
      showError(root.dataset.textFailed);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    showError("");
    var body = input.value.trim();
    if (files && files.files.length) { sendWithFiles(body); return; }
    if (!body) { return; }
    var clientId = uuid4();
    var frame = { type: "send", conversation: conversation, client_id: clientId, body: body };
    pending[clientId] = frame;
    var li = bubble({ client_id: clientId }, true);
    li.classList.add("is-pending");
    li.querySelector(".chat-body").textContent = body;
    li.querySelector("[data-status]").textContent = " · " + root.dataset.textSending;
    var empty = log.querySelector("[data-chat-empty]");
    if (empty) { empty.remove(); }
    log.appendChild(li);
    scrollDown();
    input.value = "";
    live.send(frame);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTypingSent > 2000 && input.value.trim()) {
      lastTypingSent = now;
      live.send({ type: "typing", conversation: conversation });
    }
  });
  if (files && fileNames) {
    files.addEventListener("change", function () {
      fileNames.textContent = Array.prototype.map.call(files.files, function (f) { return f.name; }).join(", ");
    });
  }
})();
