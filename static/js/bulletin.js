/* A group's bulletin board: posts from other members appear without reload (the `bulletin` frame of
 * messaging/PROTOCOL.md, on the site's one socket, live.js). The post's HTML comes from the server
 * (the same template as the page, text escaped there); the board is then marked read so the header's
 * "Groupes" count stays right. No inline script: loaded by the group page. */
(function () {
  "use strict";
  var board = document.querySelector("[data-bulletin]");
  if (!board || !window.PigisteLive) { return; }
  var groupId = String(board.dataset.groupId);
  var list = board.querySelector("[data-bulletin-posts]");
  var csrf = board.querySelector("input[name=csrfmiddlewaretoken]");
  var opened = false;

  function fragmentUrl(id) { return board.dataset.liveBoardUrl.replace(/0\/$/, String(id) + "/"); }

  function markRead(upTo) {
    var body = new URLSearchParams();
    body.set("up_to", String(upTo));
    if (csrf) { body.set("csrfmiddlewaretoken", csrf.value); }
    fetch(board.dataset.readUrl, { method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf ? csrf.value : "" } });
  }

  function show(post) {
    // The whole thread comes back: a new post on top, or its first post again with the new reply.
    var threadId = post.parent || post.id;
    fetch(fragmentUrl(threadId), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".bulletin-post");
        if (!fresh) { return; }
        var current = document.getElementById("post-" + threadId);
        if (current && current.classList.contains("bulletin-post")) {
          // Keep a reply being typed: only the replies are refreshed.
          var replies = current.querySelector("[data-replies-of]");
          var freshReplies = fresh.querySelector("[data-replies-of]");
          if (replies && freshReplies) { replies.replaceWith(freshReplies); }
        } else {
          var empty = list.querySelector("[data-bulletin-empty]");
          if (empty) { empty.remove(); }
          fresh.classList.add("is-new");
          list.insertBefore(fresh, list.firstChild);
        }
        markRead(post.id);
      });
  }

  window.PigisteLive.on("bulletin", function (frame) {
    if (String(frame.group) !== groupId || !frame.post) { return; }
    if (document.getElementById("post-" + frame.post.id)) { return; }  // already on the page
    show(frame.post);
  });

  // After a reconnection, pushes may have been lost: read the board again (unless someone is typing).
  window.PigisteLive.on("open", function () {
    if (!opened) { opened = true; return; }
    var typing = Array.prototype.some.call(board.querySelectorAll("textarea"), function (t) { return t.value.trim() !== ""; });
    if (typing) { return; }
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-bulletin-posts]");
        if (fresh) { list.innerHTML = fresh.innerHTML; }
      });
  });
})();
