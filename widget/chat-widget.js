/*
 * Chat widget for the center's website: a launcher button and a chat panel that
 * talks to the Rasa assistant over Rasa's socket.io channel (session persistence
 * on). Embedding, attributes, events and selectors: widget/README.md.
 *
 * Vanilla ES2017 in one IIFE, no build step. Loads only its own stylesheet and the
 * socket.io client, both from the directory this script was loaded from.
 *
 * Safety: message text reaches the page through text nodes only (never innerHTML);
 * links are made from https: URLs, tel: URIs and phone numbers, so every href
 * starts with "https:" or "tel:".
 */
(function () {
  "use strict";

  // Captured now: document.currentScript is only set while this file first runs.
  const OWN_SCRIPT = findOwnScript();

  const CONNECT_TIMEOUT_MS = 5000; // offline state if still not connected by then
  const TYPING_TIMEOUT_MS = 20000; // never leave the typing dots up longer than this
  const MAX_STORED_MESSAGES = 200; // keeps localStorage well under its quota
  const PRIVACY_KEY = "cw:privacy-acknowledged"; // once per browser, not per server
  const NEW_TAB_NOTE_ID = "cw-new-tab-note";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICON_PATHS = {
    chat: "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z",
    close:
      "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
    send: "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z",
    // Drawn rather than emoji: not every system has an emoji font.
    thumbUp:
      "M1 21h4V9H1v12zm22-11a2 2 0 0 0-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10a2 2 0 0 0 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    thumbDown:
      "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2a2 2 0 0 0 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5a2 2 0 0 0-2-2zm4 0v12h4V3h-4z",
  };

  // What becomes a link in message text, in this order of preference: https URLs,
  // tel: URIs, phone numbers written NNN-NNN-NNNN (optionally with a leading "1-",
  // as in the 1-800 helplines) and the short numbers 911 and 988. The \b keeps the
  // 988 of "988lifeline.org" and digits inside longer numbers as plain text.
  const LINK_PATTERN =
    /https:\/\/[^\s<>"']+|tel:\+?[0-9][0-9().-]*|\b(?:1-)?[0-9]{3}-[0-9]{3}-[0-9]{4}\b|\b(?:911|988)\b/gi;
  // Punctuation that ends the sentence rather than the link ("call 911.").
  const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"-]+$/;
  // Quick replies with these payloads are links, never sent to the bot.
  const LINK_PAYLOAD = /^(?:tel|https):/i;

  let config = null; // from the script tag's attributes (readConfig)
  let keys = null; // localStorage keys for this server
  let refs = null; // the widget's elements (buildDom)
  let socket = null;

  const state = {
    sessionId: null,
    messages: [], // records as stored: see cleanRecord
    connectionStarted: false,
    offline: false,
    sessionReady: false, // connected, and the latest session_request confirmed
    pendingSessionRequests: 0,
    outbox: [], // messages typed before the session was confirmed
    rateNextAnswer: true, // the next bot answer starts a turn and gets 👍 / 👎
    privacyAcknowledged: false,
    connectTimer: null,
    typingTimer: null,
  };

  function init() {
    config = readConfig(OWN_SCRIPT);
    keys = {
      history: `cw:history:${config.serverUrl}`,
      open: `cw:open:${config.serverUrl}`,
    };
    state.privacyAcknowledged = storage.get(PRIVACY_KEY) === "1";
    refs = buildDom(makeLabels(config));
    restoreHistory();
    wireEvents();
    window.ChatWidget = { open, close, startOver };
    document.body.appendChild(refs.root);
    // The root stays hidden until its stylesheet has loaded, so the page never
    // shows an unstyled launcher.
    loadStylesheet(() => {
      refs.root.hidden = false;
      if (storage.get(keys.open) === "1") setPanelOpen(true);
    });
  }

  // ---------------------------------------------------------------- configuration

  function findOwnScript() {
    if (document.currentScript) return document.currentScript;
    const scripts = document.querySelectorAll("script[src]");
    for (let i = scripts.length - 1; i >= 0; i -= 1) {
      if (/chat-widget\.js(?:[?#]|$)/.test(scripts[i].src)) return scripts[i];
    }
    return null;
  }

  function readConfig(script) {
    if (!script) warn("could not find its own script tag; using defaults.");
    const data = (script && script.dataset) || {};
    const scriptUrl = script && script.src ? script.src : document.baseURI;
    const centerName = (data.centerName || "").trim();
    const phone = (data.phone || "").trim();
    if (!centerName) warn("data-center-name is missing; using a generic name.");
    if (!phone) warn("data-phone is missing; the offline message will not give a number.");
    return {
      assetBase: new URL(".", scriptUrl).href,
      serverUrl: readServerUrl(data.serverUrl, scriptUrl),
      socketPath: data.socketPath || "/socket.io/",
      centerName,
      phone,
      phoneTel: phone ? readPhoneTel(data.phoneTel, phone) : null,
    };
  }

  function readServerUrl(value, scriptUrl) {
    const origin = new URL(scriptUrl).origin;
    const fallback = origin === "null" ? "http://localhost:5005" : origin; // "null": a file: page
    if (!value) {
      warn(`data-server-url is missing; using ${fallback}.`);
      return fallback;
    }
    try {
      const url = new URL(value); // absolute URLs only
      if (url.protocol === "http:" || url.protocol === "https:") {
        return url.href.replace(/\/+$/, "");
      }
    } catch (err) {
      // reported just below
    }
    warn(`data-server-url "${value}" is not an http(s) URL; using ${fallback}.`);
    return fallback;
  }

  // The phone's tel: URI from data-phone-tel, or else made from data-phone.
  function readPhoneTel(value, phone) {
    if (value && /^tel:\+?[0-9][0-9().-]*$/i.test(value.trim())) return value.trim();
    const digits = phone.replace(/\D/g, "");
    const derivable = digits.length === 10 || (digits.length === 11 && digits[0] === "1");
    const fallback = derivable ? telHref(digits) : null;
    const problem = value ? `data-phone-tel "${value}" is not a tel: URI` : "data-phone-tel is missing";
    warn(`${problem}; ${fallback ? `using ${fallback}` : "the phone number is shown as text"}.`);
    return fallback;
  }

  function makeLabels(cfg) {
    const name = cfg.centerName;
    return {
      title: name ? `${name} assistant` : "Chat assistant",
      launcher: `Open chat with ${name || "us"}`,
      staff: name ? `the staff of ${name}` : "the center's staff",
    };
  }

  // ---------------------------------------------------------------- storage

  // localStorage can be full, or blocked (private modes, cookie settings): the chat
  // then still works, it just does not survive a reload.
  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (err) {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch (err) {
        // see above
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (err) {
        // see above
      }
    },
  };

  function loadHistory() {
    const raw = storage.get(keys.history);
    if (raw) {
      try {
        const saved = JSON.parse(raw);
        return {
          sessionId: typeof saved.session_id === "string" && saved.session_id ? saved.session_id : null,
          messages: Array.isArray(saved.messages) ? saved.messages.map(cleanRecord).filter(Boolean) : [],
        };
      } catch (err) {
        storage.remove(keys.history); // unreadable: start a fresh conversation
      }
    }
    return { sessionId: null, messages: [] };
  }

  function saveHistory() {
    const saved = { session_id: state.sessionId, messages: state.messages.slice(-MAX_STORED_MESSAGES) };
    storage.set(keys.history, JSON.stringify(saved));
  }

  // A message record, checked field by field because it may come from storage:
  // {from: "user", text} or
  // {from: "bot", text, quickReplies: [{title, payload}], replied, rateable, rating}.
  function cleanRecord(raw) {
    if (!raw || typeof raw.text !== "string") return null;
    if (raw.from === "user") return { from: "user", text: raw.text };
    if (raw.from !== "bot") return null;
    return {
      from: "bot",
      text: raw.text,
      quickReplies: cleanQuickReplies(raw.quickReplies),
      replied: raw.replied === true, // a quick reply of this message was used
      rateable: raw.rateable === true, // shows 👍 / 👎
      rating: raw.rating === "up" || raw.rating === "down" ? raw.rating : null,
    };
  }

  function cleanQuickReplies(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter((reply) => reply && typeof reply.title === "string" && reply.title.trim())
      .map((reply) => ({
        title: reply.title,
        payload: typeof reply.payload === "string" && reply.payload ? reply.payload : reply.title,
      }));
  }

  function restoreHistory() {
    const saved = loadHistory();
    state.sessionId = saved.sessionId;
    state.messages = saved.messages;
    const last = saved.messages[saved.messages.length - 1];
    state.rateNextAnswer = !last || last.from === "user";
    saved.messages.forEach((record) => refs.messages.appendChild(renderRecord(record)));
    updateHint();
  }

  // ---------------------------------------------------------------- DOM

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach((name) => {
      const value = attributes[name];
      if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach((child) => {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function icon(name) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "cw-icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICON_PATHS[name]);
    svg.appendChild(path);
    return svg;
  }

  function link(href, text, className) {
    const a = el("a", { href, class: className || "cw-link", rel: "noopener noreferrer" }, [text]);
    if (/^https:/i.test(href)) {
      a.setAttribute("target", "_blank");
      a.setAttribute("aria-describedby", NEW_TAB_NOTE_ID);
    }
    return a;
  }

  function telHref(number) {
    const digits = number.replace(/\D/g, "");
    if (digits.length === 10) return `tel:+1${digits}`;
    if (digits.length === 11) return `tel:+${digits}`;
    return `tel:${digits}`; // 911, 988
  }

  // Message text as text nodes, with its URLs, tel: URIs and phone numbers as links.
  function linkify(text) {
    const fragment = document.createDocumentFragment();
    const appendText = (part) => part && fragment.appendChild(document.createTextNode(part));
    let cursor = 0;
    let match;
    LINK_PATTERN.lastIndex = 0;
    while ((match = LINK_PATTERN.exec(text)) !== null) {
      const target = match[0].replace(TRAILING_PUNCTUATION, "");
      const href = /^(?:https|tel):/i.test(target) ? target : telHref(target);
      appendText(text.slice(cursor, match.index));
      fragment.appendChild(link(href, target));
      cursor = match.index + target.length;
    }
    appendText(text.slice(cursor));
    return fragment;
  }

  function buildDom(labels) {
    const launcher = el(
      "button",
      {
        type: "button",
        id: "cw-launcher",
        class: "cw-launcher",
        "aria-label": labels.launcher,
        "aria-expanded": "false",
        "aria-controls": "cw-panel",
      },
      [icon("chat"), el("span", { class: "cw-launcher-text" }, ["Chat"])],
    );

    const startOverButton = el("button", { type: "button", id: "cw-start-over", class: "cw-header-button" }, [
      "Start over",
    ]);
    const closeButton = el(
      "button",
      { type: "button", id: "cw-close", class: "cw-header-button cw-icon-button", "aria-label": "Close chat" },
      [icon("close")],
    );
    const header = el("div", { class: "cw-header" }, [
      el("h2", { id: "cw-title", class: "cw-title" }, [labels.title]),
      startOverButton,
      closeButton,
    ]);

    const emergency = el("p", { id: "cw-emergency", class: "cw-emergency" }, [
      "In an emergency call ",
      link("tel:911", "911"),
    ]);
    // role="alert": announced when it appears.
    const offline = el("div", { id: "cw-offline", class: "cw-offline", role: "alert", hidden: true }, offlineText());

    const privacyOk = el(
      "button",
      { type: "button", id: "cw-privacy-ok", class: "cw-privacy-ok", "aria-describedby": "cw-privacy-text" },
      ["OK"],
    );
    const privacy = el("div", { id: "cw-privacy", class: "cw-privacy", hidden: true }, [
      el("div", { id: "cw-privacy-text" }, [
        el("p", { class: "cw-privacy-title" }, ["Before you start"]),
        el("p", {}, [
          "This is an automated assistant, not a person, and this chat is not monitored live. " +
            `The conversation is stored so that ${labels.staff} can improve the assistant. ` +
            "This browser also keeps it until you choose \u201cStart over\u201d (on a shared " +
            "computer, do that when you are done). Please don't share your name or contact details.",
        ]),
        el("p", {}, ["In an emergency call ", link("tel:911", "911"), "."]),
      ]),
      privacyOk,
    ]);

    const hint = el("p", { class: "cw-hint" }, ["Type a question below to start, or just say hi."]);
    const messages = el("div", {
      id: "cw-messages",
      class: "cw-messages",
      role: "log",
      "aria-live": "polite",
      "aria-label": "Conversation",
    });
    // Attached below the conversation only while waiting for the bot (showTyping).
    const typing = el("div", { id: "cw-typing", class: "cw-typing" }, [
      el("span", { class: "cw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      "The assistant is typing…",
    ]);
    const body = el("div", { class: "cw-body" }, [privacy, hint, messages]);

    const input = el("input", {
      type: "text",
      id: "cw-input",
      class: "cw-input",
      placeholder: "Type your question",
      autocomplete: "off",
      maxlength: "1000",
      enterkeyhint: "send",
    });
    const send = el("button", { type: "submit", id: "cw-send", class: "cw-send", "aria-label": "Send" }, [
      icon("send"),
    ]);
    const form = el("form", { class: "cw-form" }, [
      el("label", { for: "cw-input", class: "cw-visually-hidden" }, ["Your question"]),
      input,
      send,
    ]);

    const panel = el(
      "div",
      {
        id: "cw-panel",
        class: "cw-panel",
        role: "dialog",
        "aria-labelledby": "cw-title",
        "aria-describedby": "cw-emergency",
        hidden: true,
      },
      [header, emergency, offline, body, form, el("span", { id: NEW_TAB_NOTE_ID, hidden: true }, ["Opens in a new tab"])],
    );
    const root = el("div", { id: "cw-root", role: "complementary", "aria-label": "Chat assistant", hidden: true }, [
      launcher,
      panel,
    ]);

    return {
      root,
      launcher,
      panel,
      startOver: startOverButton,
      close: closeButton,
      offline,
      privacy,
      privacyOk,
      body,
      hint,
      messages,
      typing,
      form,
      input,
      send,
    };
  }

  function offlineText() {
    const parts = ["The assistant is unavailable. In an emergency call ", link("tel:911", "911")];
    if (!config.phone) return parts.concat("; to reach our team, use the contact details on this website.");
    const phone = config.phoneTel ? link(config.phoneTel, config.phone) : config.phone;
    return parts.concat("; to reach our team call ", phone, ".");
  }

  function loadStylesheet(onDone) {
    const sheet = el("link", { rel: "stylesheet", href: `${config.assetBase}chat-widget.css` });
    sheet.addEventListener("load", onDone);
    sheet.addEventListener("error", () => {
      warn(`could not load ${sheet.href}; the widget is shown unstyled.`);
      onDone();
    });
    document.head.appendChild(sheet);
  }

  // ---------------------------------------------------------------- rendering messages

  // One entry of the conversation: the message bubble (with 👍 / 👎 for an answer),
  // then its quick replies. Anything with text of its own stays outside the bubble,
  // so that the bubble's text is the message.
  function renderRecord(record) {
    const entry = el("div", { class: `cw-entry cw-entry-${record.from}` });
    if (record.text) {
      const bubble = renderBubble(record);
      entry.appendChild(bubble);
      if (record.from === "bot" && record.rateable) addFeedback(record, bubble, entry);
    }
    if (record.from === "bot" && record.quickReplies.length) entry.appendChild(renderQuickReplies(record));
    return entry;
  }

  function renderBubble(record) {
    const speaker = record.from === "bot" ? "Assistant: " : "You: ";
    const bubble = el("div", { class: `cw-message cw-${record.from}` }, [
      el("span", { class: "cw-visually-hidden" }, [speaker]),
    ]);
    bubble.appendChild(linkify(record.text));
    return bubble;
  }

  function renderQuickReplies(record) {
    const group = el("div", { class: "cw-quick-replies", role: "group", "aria-label": "Suggested replies" });
    if (record.replied) group.setAttribute("data-replied", "true");
    record.quickReplies.forEach((reply) => {
      if (LINK_PAYLOAD.test(reply.payload)) {
        group.appendChild(link(reply.payload, reply.title, "cw-link-button"));
        return;
      }
      const button = el("button", { type: "button", class: "cw-quick-reply" }, [reply.title]);
      button.addEventListener("click", (event) => chooseQuickReply(record, reply, group, event));
      group.appendChild(button);
    });
    syncQuickReplies(group);
    return group;
  }

  // Sending buttons are disabled once one of them was used, and while offline.
  // Link buttons (call, website) always stay usable.
  function syncQuickReplies(group) {
    const replied = group.getAttribute("data-replied") === "true";
    group.querySelectorAll(".cw-quick-reply").forEach((button) => {
      button.disabled = replied || state.offline;
    });
  }

  function chooseQuickReply(record, reply, group, event) {
    if (record.replied || !sendMessage(reply.payload, reply.title)) return;
    record.replied = true;
    group.setAttribute("data-replied", "true");
    syncQuickReplies(group);
    saveHistory();
    // The disabled button loses focus: keyboard users (click events with detail 0)
    // continue in the input; on touch screens this would pop up the keyboard.
    if (event.detail === 0) refs.input.focus();
  }

  // The rating buttons go inside the bubble (icons with labels, no text), the
  // thanks below it.
  function addFeedback(record, bubble, entry) {
    const up = feedbackButton("cw-feedback-up", "This answer helped", "thumbUp");
    const down = feedbackButton("cw-feedback-down", "This answer did not help", "thumbDown");
    const thanks = el("p", { class: "cw-feedback-thanks" });
    const show = () => {
      up.setAttribute("aria-pressed", String(record.rating === "up"));
      down.setAttribute("aria-pressed", String(record.rating === "down"));
      // Inside the live log, so the new text is announced.
      thanks.textContent = record.rating ? "Thanks for the feedback" : "";
    };
    up.addEventListener("click", () => rate(record, "up", show));
    down.addEventListener("click", () => rate(record, "down", show));
    show();
    bubble.appendChild(el("div", { class: "cw-feedback", role: "group", "aria-label": "Rate this answer" }, [up, down]));
    entry.appendChild(thanks);
  }

  function feedbackButton(className, label, iconName) {
    return el("button", { type: "button", class: `cw-feedback-button ${className}`, "aria-label": label }, [
      icon(iconName),
    ]);
  }

  function rate(record, rating, show) {
    if (record.rating === rating) return;
    record.rating = rating;
    show();
    saveHistory();
    postFeedback(rating, record.text);
  }

  // Best effort: a lost rating must never disturb the visitor.
  function postFeedback(rating, text) {
    if (typeof window.fetch !== "function") return;
    window
      .fetch(`${config.serverUrl}/webhooks/chat_widget/feedback`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: state.sessionId, rating, text }),
      })
      .catch(() => {});
  }

  function addRecord(record) {
    state.messages.push(record);
    refs.messages.appendChild(renderRecord(record));
    saveHistory();
    updateHint();
    scrollToEnd();
  }

  function updateHint() {
    refs.hint.hidden = state.messages.length > 0;
  }

  function scrollToEnd() {
    refs.body.scrollTop = refs.body.scrollHeight;
  }

  function showTyping() {
    refs.body.appendChild(refs.typing);
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, TYPING_TIMEOUT_MS);
    scrollToEnd();
  }

  function hideTyping() {
    clearTimeout(state.typingTimer);
    if (refs.typing.parentNode) refs.typing.parentNode.removeChild(refs.typing);
  }

  // ---------------------------------------------------------------- panel

  function wireEvents() {
    refs.launcher.addEventListener("click", () => (isOpen() ? close() : open()));
    refs.close.addEventListener("click", close);
    refs.startOver.addEventListener("click", startOver);
    refs.privacyOk.addEventListener("click", acknowledgePrivacy);
    refs.form.addEventListener("submit", onSubmit);
    refs.root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !event.isComposing && isOpen()) close();
    });
  }

  function isOpen() {
    return !refs.panel.hidden;
  }

  function open() {
    if (!isOpen()) setPanelOpen(true);
    (refs.privacy.hidden ? refs.input : refs.privacyOk).focus();
  }

  function close() {
    const focusWasInside = refs.panel.contains(document.activeElement);
    setPanelOpen(false);
    if (focusWasInside) refs.launcher.focus();
  }

  function setPanelOpen(opened) {
    refs.panel.hidden = !opened;
    refs.launcher.setAttribute("aria-expanded", String(opened));
    refs.root.classList.toggle("cw-is-open", opened);
    storage.set(keys.open, opened ? "1" : "0");
    if (!opened) return;
    refs.privacy.hidden = state.privacyAcknowledged;
    connect();
    scrollToEnd(); // the panel had no height while hidden
  }

  function acknowledgePrivacy() {
    state.privacyAcknowledged = true;
    storage.set(PRIVACY_KEY, "1");
    refs.privacy.hidden = true;
    refs.input.focus();
  }

  function startOver() {
    state.messages = [];
    state.sessionId = null;
    state.outbox = [];
    state.rateNextAnswer = true;
    storage.remove(keys.history);
    refs.messages.textContent = "";
    hideTyping();
    updateHint();
    if (socket && socket.connected) {
      requestSession(); // null: the server starts a new conversation
    } else {
      state.sessionReady = false; // the next connect asks for a new one
    }
    if (isOpen()) refs.input.focus();
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = refs.input.value.trim();
    if (text && sendMessage(text, text)) refs.input.value = "";
  }

  // Shows the visitor's bubble and sends the message (a typed text or a quick
  // reply's payload); before the session is confirmed it waits in the outbox.
  function sendMessage(message, shownText) {
    if (state.offline) return false;
    connect();
    state.rateNextAnswer = true;
    addRecord({ from: "user", text: shownText });
    state.outbox.push(message);
    showTyping();
    flushOutbox();
    return true;
  }

  function setOffline(offline, reason) {
    if (state.offline === offline) return;
    state.offline = offline;
    refs.offline.hidden = !offline;
    refs.send.disabled = offline;
    refs.messages.querySelectorAll(".cw-quick-replies").forEach(syncQuickReplies);
    if (offline) {
      hideTyping(); // a reply sent while disconnected never arrives
      dispatch("cw:offline", { reason });
    }
  }

  // ---------------------------------------------------------------- connection

  // Started at the first opening of the panel: pages where nobody chats open no socket.
  function connect() {
    if (state.connectionStarted) return;
    state.connectionStarted = true;
    state.connectTimer = setTimeout(() => {
      if (!(socket && socket.connected)) setOffline(true, "timeout");
    }, CONNECT_TIMEOUT_MS);
    loadSocketIo()
      .then(openSocket)
      .catch(() => {
        warn(`could not start the socket.io client from ${config.assetBase}vendor/.`);
        setOffline(true, "client-unavailable");
      });
  }

  function loadSocketIo() {
    if (typeof window.io === "function") return Promise.resolve(window.io);
    return new Promise((resolve, reject) => {
      const tag = el("script", { src: `${config.assetBase}vendor/socket.io.min.js`, async: true });
      tag.addEventListener("load", () => (typeof window.io === "function" ? resolve(window.io) : reject()));
      tag.addEventListener("error", reject);
      document.head.appendChild(tag);
    });
  }

  function openSocket(io) {
    // The origin only: socket.io reads a URL's path as a namespace; a proxy prefix
    // belongs in data-socket-path.
    socket = io(new URL(config.serverUrl).origin, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
    });
    // Registered once: socket.io keeps them across its own reconnections.
    socket.on("connect", onConnect);
    socket.on("session_confirm", onSessionConfirm);
    socket.on("bot_uttered", onBotUttered);
    socket.on("connect_error", () => setOffline(true, "connect_error"));
    socket.on("disconnect", (reason) => {
      state.sessionReady = false;
      setOffline(true, "disconnect");
      // socket.io reconnects by itself, except when the server closed the socket.
      if (reason === "io server disconnect") socket.connect();
    });
  }

  function onConnect() {
    clearTimeout(state.connectTimer);
    setOffline(false);
    state.pendingSessionRequests = 0; // answers to the old connection are lost
    requestSession();
  }

  // Also joins this socket to the session's room, so it is needed on every connect.
  function requestSession() {
    state.sessionReady = false;
    state.pendingSessionRequests += 1;
    socket.emit("session_request", { session_id: state.sessionId });
  }

  function onSessionConfirm(data) {
    const id = typeof data === "string" ? data : data && data.session_id;
    if (typeof id !== "string" || !id) return;
    state.pendingSessionRequests = Math.max(0, state.pendingSessionRequests - 1);
    // Confirms arrive in order: only the latest request's answer counts (after
    // "Start over", the one for the new conversation).
    if (state.pendingSessionRequests > 0) return;
    state.sessionId = id;
    state.sessionReady = true;
    saveHistory();
    flushOutbox();
    dispatch("cw:connected", { session_id: id });
  }

  function flushOutbox() {
    if (!state.sessionReady || !state.outbox.length) return;
    while (state.outbox.length) {
      socket.emit("user_uttered", { message: state.outbox.shift(), session_id: state.sessionId });
    }
    showTyping(); // again, if it was hidden while offline
  }

  function onBotUttered(data) {
    // Until the new session is confirmed, late replies belong to the conversation
    // the visitor just started over.
    if (!state.sessionReady || !data || typeof data !== "object") return;
    hideTyping();
    const record = cleanRecord({
      from: "bot",
      text: typeof data.text === "string" ? data.text : "",
      quickReplies: data.quick_replies,
    });
    if (!record.text.trim() && !record.quickReplies.length) return; // nothing we can show
    if (state.rateNextAnswer && isAnswer(record)) {
      record.rateable = true;
      state.rateNextAnswer = false;
    }
    addRecord(record);
    dispatch("cw:bot-message", data);
  }

  // 👍 / 👎 go on the first message of a bot turn that has text of its own, not on
  // one that only offers links (a call button, a website).
  function isAnswer(record) {
    const onlyLinks = record.quickReplies.length > 0 && record.quickReplies.every((r) => LINK_PAYLOAD.test(r.payload));
    return record.text.trim() !== "" && !onlyLinks;
  }

  // ---------------------------------------------------------------- helpers

  function dispatch(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  function warn(message) {
    console.warn(`[chat-widget] ${message}`);
  }

  // ---------------------------------------------------------------- start

  // Last, so that every constant above is initialised before init() runs.
  if (window.ChatWidget || document.getElementById("cw-root")) {
    warn("the widget is already on this page; this copy does nothing.");
  } else if (document.body) {
    init();
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
