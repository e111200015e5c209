/*
 * The staff review app's Live now pages: keeps them current and sends their forms.
 *
 * Self-hosted, no third-party code, loaded with `defer` under the app's
 * Content-Security-Policy (script-src 'self', connect-src 'self'): no inline script, no
 * eval, no inline style or event handler. Whatever comes from the server goes into the
 * page with textContent, never parsed as HTML. Every form also works without this script.
 *
 * - The list (/live): GET /live/list.json every 5 s re-renders its rows; while the member
 *   is available, POST /live/heartbeat every 30 s keeps them so (X-CSRFToken header).
 * - A conversation (/live/<id>): GET events.json?after=<last event id> every 2 s appends
 *   the new turns and shows who holds it; its forms are sent with fetch (JSON answers).
 */
(function () {
  "use strict";

  var LIST_POLL_MS = 5000;
  var HEARTBEAT_MS = 30000;
  var EVENTS_POLL_MS = 2000;
  var SIGNED_OUT = "You were signed out: reload the page to sign in again.";
  var EXPIRED = "The page expired: reload it and try again.";
  var UNREACHABLE = "The review app did not answer; trying again.";

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  /* Only the app's own class-name words reach className. */
  function classWord(value) {
    return String(value || "").replace(/[^a-z_-]/g, "");
  }

  /* Only paths of this site become links. */
  function sitePath(value) {
    var path = String(value || "");
    return /^\/(?!\/)/.test(path) ? path : "#";
  }

  function Failure(message, stop) {
    this.message = message;
    this.stop = stop;
  }

  /*
   * A request answered with JSON: resolves to {status, body}. A redirect to the sign-in
   * page or a 401 (signed out) rejects with a Failure that stops polling; so does a
   * refused CSRF token (400 page); anything else rejects with a passing Failure.
   */
  function fetchJson(url, options) {
    var init = options || {};
    init.credentials = "same-origin";
    init.headers = Object.assign({ Accept: "application/json" }, init.headers || {});
    return fetch(url, init).then(
      function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          if (response.redirected || response.status === 401) {
            throw new Failure(SIGNED_OUT, true);
          }
          if (response.status === 400) {
            throw new Failure(EXPIRED, true);
          }
          throw new Failure(UNREACHABLE, false);
        }
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      },
      function () {
        throw new Failure(UNREACHABLE, false);
      }
    );
  }

  function failureMessage(error) {
    return error instanceof Failure ? error.message : UNREACHABLE;
  }

  /* ------------------------------------------------------------------ the list */

  function listRow(row) {
    var line = element("tr");
    var when = element("td");
    var link = element("a", "", row.last_message);
    link.href = sitePath(row.url);
    when.appendChild(link);
    line.appendChild(when);
    var conversation = element("td");
    conversation.appendChild(element("code", "", row.conversation));
    line.appendChild(conversation);
    line.appendChild(element("td", "", row.language));
    var holder = element("td");
    if (row.held) {
      holder.appendChild(element("span", "flag flag-held", row.holder));
    } else {
      holder.textContent = "bot";
    }
    line.appendChild(holder);
    var badges = element("td");
    (row.badges || []).forEach(function (badge) {
      badges.appendChild(element("span", "flag flag-" + classWord(badge.key), badge.label));
    });
    line.appendChild(badges);
    return line;
  }

  function emptyRow(minutes) {
    var line = element("tr", "live-empty");
    var cell = element(
      "td",
      "",
      "No visitor has written in the last " + minutes + " minute" + (minutes === 1 ? "" : "s") + "."
    );
    cell.colSpan = 5;
    line.appendChild(cell);
    return line;
  }

  function startList(table) {
    var rows = document.getElementById("live-rows");
    var updated = document.getElementById("live-updated");
    var timers = [];

    function stop(message) {
      timers.forEach(clearInterval);
      updated.textContent = message;
    }

    function refresh() {
      fetchJson(table.dataset.listUrl)
        .then(function (answer) {
          var lines = (answer.body.rows || []).map(listRow);
          if (!lines.length) {
            lines.push(emptyRow(answer.body.minutes));
          }
          rows.replaceChildren.apply(rows, lines);
          updated.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
        })
        .catch(function (error) {
          if (error instanceof Failure && error.stop) {
            stop(error.message);
          } else {
            updated.textContent = failureMessage(error);
          }
        });
    }

    function heartbeat() {
      fetchJson(table.dataset.heartbeatUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
      })
        .then(function (answer) {
          if (!answer.body.available) {
            window.location.reload(); // switched off elsewhere: show the button that says so
          }
        })
        .catch(function (error) {
          if (error instanceof Failure && error.stop) {
            stop(error.message);
          }
        });
    }

    timers.push(setInterval(refresh, LIST_POLL_MS));
    if (table.dataset.available === "true") {
      heartbeat();
      timers.push(setInterval(heartbeat, HEARTBEAT_MS));
    }
  }

  /* ---------------------------------------------------------- a conversation */

  function turnItem(turn) {
    var className = "turn turn-" + classWord(turn.kind);
    if (turn.alert) {
      className += " turn-alert turn-alert-" + classWord(turn.alert);
    }
    var item = element("li", className);
    item.dataset.event = String(turn.id);
    item.appendChild(element("time", "", turn.at));
    if (turn.who) {
      item.appendChild(element("span", "who", turn.who));
    }
    if (turn.kind === "notice") {
      item.appendChild(element("span", "meta", turn.text));
    } else {
      item.appendChild(element("p", "text", turn.text));
    }
    if (turn.meta) {
      item.appendChild(element("p", "meta", turn.meta));
    }
    if (turn.alert_text) {
      item.appendChild(element("p", "alert", turn.alert_text));
    }
    return item;
  }

  function startConversation(page) {
    var transcript = document.getElementById("live-transcript");
    var holder = document.getElementById("live-holder");
    var status = document.getElementById("live-status");
    var forms = Array.prototype.slice.call(page.querySelectorAll("form.live-action"));
    var text = document.getElementById("live-text");
    var after = parseInt(page.dataset.after, 10) || 0;
    var polling = false;
    var again = false; // a poll was asked for while one was under way
    var timer = null;

    function showState(state) {
      if (typeof state.holder_text !== "string") {
        return;
      }
      holder.textContent = state.holder_text;
      forms.forEach(function (form) {
        form.hidden = form.dataset.show === "mine" ? !state.held_by_me : state.held;
      });
    }

    function atBottom() {
      return window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
    }

    function append(turns) {
      var follow = atBottom();
      var added = false;
      turns.forEach(function (turn) {
        var id = Number(turn.id);
        if (id > after) {
          transcript.appendChild(turnItem(turn));
          added = true;
        }
      });
      if (added && follow) {
        window.scrollTo(0, document.body.scrollHeight);
      }
    }

    function poll() {
      if (polling) {
        again = true;
        return;
      }
      polling = true;
      var url = page.dataset.eventsUrl + "?after=" + encodeURIComponent(String(after));
      fetchJson(url)
        .then(function (answer) {
          if (answer.status !== 200) {
            throw new Failure(UNREACHABLE, false);
          }
          append(answer.body.turns || []);
          after = Math.max(after, Number(answer.body.last) || 0);
          showState(answer.body);
        })
        .catch(function (error) {
          status.textContent = failureMessage(error);
          if (error instanceof Failure && error.stop) {
            clearInterval(timer);
          }
        })
        .then(function () {
          polling = false;
          if (again) {
            again = false;
            poll();
          }
        });
    }

    function send(form) {
      var buttons = Array.prototype.slice.call(form.querySelectorAll("button"));
      buttons.forEach(function (button) {
        button.disabled = true;
      });
      status.textContent = "Sending…";
      fetchJson(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrfToken() },
      })
        .then(function (answer) {
          status.textContent = answer.body.message || "";
          showState(answer.body);
          if (answer.body.ok && form.classList.contains("live-send")) {
            text.value = "";
          }
          if (answer.body.held_by_me && text) {
            text.focus();
          }
          poll();
        })
        .catch(function (error) {
          status.textContent = failureMessage(error);
        })
        .then(function () {
          buttons.forEach(function (button) {
            button.disabled = false;
          });
        });
    }

    forms.forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
    });
    if (text) {
      text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          text.form.requestSubmit();
        }
      });
    }
    timer = setInterval(poll, EVENTS_POLL_MS);
  }

  function start() {
    var table = document.getElementById("live-list");
    if (table) {
      startList(table);
    }
    var page = document.getElementById("live-conversation");
    if (page) {
      startConversation(page);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
