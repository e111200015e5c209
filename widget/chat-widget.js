/*
 * Chat widget for the center's website: a launcher button and a chat panel that
 * talks to the Rasa assistant over Rasa's socket.io channel (session persistence
 * on). Embedding, attributes, events and selectors: widget/README.md.
 *
 * Vanilla ES2017 in one IIFE, no build step. Loads only its own stylesheet and the
 * socket.io client, both from the directory this script was loaded from.
 *
 * Languages: English and Spanish, every string in STRINGS; the visitor switches with
 * the header's language button, and the widget follows the language the bot answers in.
 *
 * Safety: message text reaches the page through text nodes only (never innerHTML);
 * links are made from https: URLs, tel: URIs and phone numbers, so every href
 * starts with "https:" or "tel:".
 *
 * Live takeover: a member of the intake team may take over a conversation. Their messages
 * (bot_uttered with metadata.from "person") are labelled bubbles of their own, the notices
 * that they joined or left are status lines, and while they are there the header says so
 * and no typing indicator promises the bot's answer.
 *
 * Shared computers: the conversation is kept in sessionStorage (this tab only) and
 * forgotten after the server's session length without a message; "Clear conversation"
 * and the quick exit ("Leave this site quickly", or Escape twice) leave nothing in
 * storage; the widget's DOM events carry neither the conversation id nor message text.
 */
(function () {
  "use strict";

  // Captured now: document.currentScript is only set while this file first runs.
  const OWN_SCRIPT = findOwnScript();

  const CONNECT_TIMEOUT_MS = 5000; // offline state if still not connected by then
  const TYPING_TIMEOUT_MS = 20000; // never leave the typing dots up longer than this
  const MAX_STORED_MESSAGES = 200; // keeps sessionStorage well under its quota
  // The server's session_expiration_time (domain.yml, session_config; a data check keeps
  // them equal): a conversation without a message for this long is over there, and the
  // widget forgets it too, even in a tab left open.
  const SESSION_EXPIRY_MINUTES = 60;
  const SESSION_EXPIRY_MS = SESSION_EXPIRY_MINUTES * 60 * 1000;
  const KEY_PREFIX = "cw:"; // of every key the widget stores, in either storage
  const PRIVACY_KEY = "cw:privacy-acknowledged"; // sessionStorage: each visitor of a shared computer sees the note
  const LANGUAGE_KEY = "cw:language"; // localStorage: the visitor's choice with the language button
  const DEFAULT_EXIT_URL = "https://www.google.com/"; // where the quick exit goes (data-exit-url)
  const DOUBLE_ESCAPE_MS = 1000; // Escape twice within this, in the widget: quick exit
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

  // Every string the widget shows or gives screen readers, one table per language.
  // {911} and {phone} mark where a link goes; functions take the center's name
  // (data-center-name, "" when missing).
  const STRINGS = {
    en: {
      languageName: "English", // on the language button, in this language
      switchLanguage: "Switch to Spanish (Español)", // its label: contains the other table's languageName
      region: "Chat assistant",
      title: (name) => (name ? `${name} assistant` : "Chat assistant"),
      launcher: (name) => `Open chat with ${name || "us"}`,
      launcherText: "Chat",
      clear: "Clear conversation",
      quickExit: "Leave this site quickly",
      close: "Close chat",
      emergency: "In an emergency call {911}",
      offline: "The assistant is unavailable. In an emergency call {911}; to reach our team call {phone}.",
      offlineNoPhone:
        "The assistant is unavailable. In an emergency call {911}; to reach our team, use the contact " +
        "details on this website.",
      privacyTitle: "Before you start",
      privacyText: (name) =>
        "This is an automated assistant, not a person. During intake hours a member of our intake team may " +
        "join the chat, and you will be told when they do; at other times nobody reads it live. " +
        `The conversation is stored so that ${name ? `the staff of ${name}` : "the center's staff"} can ` +
        "improve the assistant. This browser tab keeps it until you choose \u201cClear conversation\u201d, " +
        `or for ${SESSION_EXPIRY_MINUTES} minutes after the last message. On a shared computer, choose ` +
        "\u201cClear conversation\u201d or \u201cLeave this site quickly\u201d (or press Esc twice) when you " +
        "are done. Please don't share your name or contact details.",
      privacyEmergency: "In an emergency call {911}.",
      privacyOk: "OK",
      hint: "Type a question below to start, or just say hi.",
      conversation: "Conversation",
      typing: "The assistant is typing…",
      inputLabel: "Your question",
      placeholder: "Type your question",
      send: "Send",
      newTab: "Opens in a new tab",
      botSpeaker: "Assistant: ",
      userSpeaker: "You: ",
      personSpeaker: "Intake team: ", // a person of the intake team (live takeover)
      personLabel: "Intake team", // shown above their messages
      withPerson: "You're chatting with the intake team", // under the title meanwhile
      suggestedReplies: "Suggested replies",
      rateAnswer: "Rate this answer",
      helped: "This answer helped",
      notHelped: "This answer did not help",
      thanks: "Thanks for the feedback",
    },
    es: {
      languageName: "Español",
      switchLanguage: "Cambiar a inglés (English)",
      region: "Asistente de chat",
      title: (name) => (name ? `Asistente de ${name}` : "Asistente de chat"),
      launcher: (name) => `Abrir el chat con ${name || "nosotros"}`,
      launcherText: "Chat",
      clear: "Borrar conversación",
      quickExit: "Salir rápido de este sitio",
      close: "Cerrar el chat",
      emergency: "En una emergencia, llame al {911}",
      offline:
        "El asistente no está disponible. En una emergencia, llame al {911}; para comunicarse con nuestro " +
        "equipo, llame al {phone}.",
      offlineNoPhone:
        "El asistente no está disponible. En una emergencia, llame al {911}; para comunicarse con nuestro " +
        "equipo, use los datos de contacto de este sitio web.",
      privacyTitle: "Antes de empezar",
      privacyText: (name) =>
        "Este es un asistente automático, no una persona. En horario de admisiones, una persona de nuestro " +
        "equipo de admisiones puede unirse al chat, y se le avisará cuando lo haga; el resto del tiempo nadie " +
        "lo lee en tiempo real. " +
        `La conversación se guarda para que ${name ? `el personal de ${name}` : "el personal del centro"} ` +
        "pueda mejorar el asistente. Esta pestaña del navegador la conserva hasta que usted elija " +
        `\u201cBorrar conversación\u201d, o durante ${SESSION_EXPIRY_MINUTES} minutos después del último ` +
        "mensaje. En una computadora compartida, elija \u201cBorrar conversación\u201d o \u201cSalir rápido " +
        "de este sitio\u201d (o presione Esc dos veces) al terminar. Por favor, no comparta su nombre ni sus " +
        "datos de contacto.",
      privacyEmergency: "En una emergencia, llame al {911}.",
      privacyOk: "Aceptar",
      hint: "Escriba una pregunta abajo para empezar, o simplemente salude.",
      conversation: "Conversación",
      typing: "El asistente está escribiendo…",
      inputLabel: "Su pregunta",
      placeholder: "Escriba su pregunta",
      send: "Enviar",
      newTab: "Se abre en una pestaña nueva",
      botSpeaker: "Asistente: ",
      userSpeaker: "Usted: ",
      personSpeaker: "Equipo de admisiones: ",
      personLabel: "Equipo de admisiones",
      withPerson: "Está hablando con el equipo de admisiones",
      suggestedReplies: "Respuestas sugeridas",
      rateAnswer: "Califique esta respuesta",
      helped: "Esta respuesta me ayudó",
      notHelped: "Esta respuesta no me ayudó",
      thanks: "Gracias por su opinión",
    },
  };
  const LANGUAGES = Object.keys(STRINGS);
  // What the language button sends the bot (as a visitor message, never shown).
  const LANGUAGE_COMMANDS = { en: "/speak_english", es: "/speak_spanish" };

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
  let keys = null; // sessionStorage keys for this server
  let refs = null; // the widget's elements (buildDom)
  let socket = null;

  const state = {
    sessionId: null,
    requestedSessionId: null, // what the latest session_request asked to resume
    messages: [], // records as stored: see cleanRecord
    activeAt: null, // Date.now() of the conversation's latest message: see expireIfIdle
    connectionStarted: false,
    offline: false,
    sessionReady: false, // connected, and the latest session_request confirmed
    pendingSessionRequests: 0,
    outbox: [], // {message, language, record} typed before the session was confirmed
    rateNextAnswer: true, // the next bot answer starts a turn and gets 👍 / 👎
    language: "en", // of the widget's strings: see initialLanguage
    // The language this conversation took (the visitor's choice, or the bot's answers),
    // kept in its history; null while the widget only follows its page.
    conversationLanguage: null,
    // Set by the language button until the visitor writes again: meanwhile the widget
    // does not follow bot messages in the other language (answers still on their way).
    languageRequested: null,
    // A person of the intake team has taken over the conversation (live takeover, between
    // their "joined" and "left" notices), kept in its history.
    withPerson: false,
    privacyAcknowledged: false,
    lastEscapeAt: -Infinity, // of the last Escape pressed in the widget
    leaving: false, // after the quick exit: nothing is stored any more
    connectTimer: null,
    typingTimer: null,
    expiryTimer: null,
  };

  function init() {
    config = readConfig(OWN_SCRIPT);
    keys = {
      history: `cw:history:${config.serverUrl}`,
      open: `cw:open:${config.serverUrl}`,
    };
    // Older versions kept the conversation in localStorage, for every later visitor of
    // the browser: dropped unread.
    browserStorage.removeWidgetKeys(LANGUAGE_KEY);
    state.privacyAcknowledged = tabStorage.get(PRIVACY_KEY) === "1";
    const saved = loadHistory();
    state.conversationLanguage = saved.language;
    state.language = initialLanguage(saved);
    refs = buildDom();
    showLanguage();
    restoreHistory(saved);
    wireEvents();
    // startOver: the older name of clearConversation.
    window.ChatWidget = { open, close, clearConversation, quickExit, startOver: clearConversation };
    document.body.appendChild(refs.root);
    // The root stays hidden until its stylesheet has loaded, so the page never
    // shows an unstyled launcher.
    loadStylesheet(() => {
      refs.root.hidden = false;
      if (tabStorage.get(keys.open) === "1") setPanelOpen(true);
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
      language: readLanguage(data.language),
      exitUrl: readExitUrl(data.exitUrl),
    };
  }

  // Where the quick exit goes: an http(s) URL (relative to the page allowed), else the default.
  function readExitUrl(value) {
    if (value === undefined) return DEFAULT_EXIT_URL;
    try {
      const url = new URL(value.trim(), document.baseURI);
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    } catch (err) {
      // reported just below
    }
    warn(`data-exit-url "${value}" is not an http(s) URL; using ${DEFAULT_EXIT_URL}.`);
    return DEFAULT_EXIT_URL;
  }

  function readLanguage(value) {
    if (value === undefined) return null;
    const language = value.trim().toLowerCase();
    if (isLanguage(language)) return language;
    warn(`data-language "${value}" is not one of ${LANGUAGES.join(", ")}; ignoring it.`);
    return null;
  }

  function isLanguage(value) {
    return LANGUAGES.indexOf(value) >= 0;
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

  // A conversation that took a language keeps it; otherwise the visitor's choice with
  // the language button, then data-language, then the page's <html lang>, then English.
  function initialLanguage(saved) {
    if (saved.language) return saved.language;
    const chosen = browserStorage.get(LANGUAGE_KEY);
    if (isLanguage(chosen)) return chosen;
    if (config.language) return config.language;
    return /^es(?:-|$)/i.test(document.documentElement.lang || "") ? "es" : "en";
  }

  // ---------------------------------------------------------------- storage

  // Web Storage can be full, or blocked (private modes, cookie settings): the chat then
  // still works, it just does not survive a reload. After the quick exit nothing is written.
  function storageArea(name) {
    const area = () => window[name]; // reading the property itself throws when blocked
    return {
      get(key) {
        try {
          return area().getItem(key);
        } catch (err) {
          return null;
        }
      },
      set(key, value) {
        if (state.leaving) return;
        try {
          area().setItem(key, value);
        } catch (err) {
          // see above
        }
      },
      remove(key) {
        try {
          area().removeItem(key);
        } catch (err) {
          // see above
        }
      },
      // Every key of the widget's but `kept`; the page's own keys stay.
      removeWidgetKeys(kept) {
        try {
          const store = area();
          const ours = [];
          for (let i = 0; i < store.length; i += 1) {
            const key = store.key(i);
            if (key !== null && key.indexOf(KEY_PREFIX) === 0 && key !== kept) ours.push(key);
          }
          ours.forEach((key) => store.removeItem(key));
        } catch (err) {
          // see above
        }
      },
    };
  }

  // The conversation, whether the panel is open and the privacy note's OK: this tab only,
  // gone for a new tab or window (another visitor of a shared computer).
  const tabStorage = storageArea("sessionStorage");
  // Only the language chosen with the language button, which says nothing about health
  // and spares a Spanish speaker a click in every new tab.
  const browserStorage = storageArea("localStorage");

  // Stored history older than the session length is dropped unread, as if there were none.
  function loadHistory() {
    const raw = tabStorage.get(keys.history);
    if (raw) {
      try {
        const saved = JSON.parse(raw);
        if (typeof saved.active_at === "number" && !isExpired(saved.active_at)) {
          return {
            sessionId: typeof saved.session_id === "string" && saved.session_id ? saved.session_id : null,
            messages: Array.isArray(saved.messages) ? saved.messages.map(cleanRecord).filter(Boolean) : [],
            language: cleanLanguage(saved.language),
            withPerson: saved.with_person === true, // absent from older histories
            activeAt: saved.active_at,
          };
        }
      } catch (err) {
        // unreadable: start a fresh conversation
      }
      tabStorage.remove(keys.history);
    }
    return { sessionId: null, messages: [], language: null, withPerson: false, activeAt: null };
  }

  // A conversation without messages is not stored: there is nothing to show again.
  function saveHistory() {
    if (!state.messages.length) {
      tabStorage.remove(keys.history);
      return;
    }
    const saved = {
      session_id: state.sessionId,
      messages: state.messages.slice(-MAX_STORED_MESSAGES),
      language: state.conversationLanguage,
      with_person: state.withPerson,
      active_at: state.activeAt,
    };
    tabStorage.set(keys.history, JSON.stringify(saved));
  }

  function isExpired(activeAt) {
    return Date.now() - activeAt >= SESSION_EXPIRY_MS;
  }

  // A message record, checked field by field because it may come from storage:
  // {from: "user", text},
  // {from: "bot", text, lang, quickReplies: [{title, payload}], replied, rateable, rating},
  // {from: "person", text, lang}: a message of a person of the intake team, or
  // {from: "notice", text, lang}: the notice that such a person joined or left
  // (lang: the language the message is in, or null when the server did not say).
  // A person's messages and the notices never have quick replies or rating buttons.
  function cleanRecord(raw) {
    if (!raw || typeof raw.text !== "string") return null;
    if (raw.from === "user") return { from: "user", text: raw.text };
    if (raw.from === "person" || raw.from === "notice") {
      return { from: raw.from, text: raw.text, lang: cleanLanguage(raw.lang) };
    }
    if (raw.from !== "bot") return null;
    return {
      from: "bot",
      text: raw.text,
      lang: cleanLanguage(raw.lang),
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

  // Only the languages the widget has strings for: anything else is not an attribute value.
  function cleanLanguage(value) {
    return isLanguage(value) ? value : null;
  }

  function restoreHistory(saved) {
    state.sessionId = saved.sessionId;
    state.messages = saved.messages;
    state.activeAt = saved.activeAt;
    state.withPerson = saved.withPerson;
    showWithPerson();
    scheduleExpiry();
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

  // The widget's elements, without their strings: showLanguage fills those in.
  function buildDom() {
    const launcherText = el("span", { class: "cw-launcher-text" });
    const launcher = el(
      "button",
      {
        type: "button",
        id: "cw-launcher",
        class: "cw-launcher",
        "aria-expanded": "false",
        "aria-controls": "cw-panel",
      },
      [icon("chat"), launcherText],
    );

    const title = el("h2", { id: "cw-title", class: "cw-title" });
    const languageButton = el("button", { type: "button", id: "cw-language", class: "cw-header-button" });
    const closeButton = el("button", { type: "button", id: "cw-close", class: "cw-header-button cw-icon-button" }, [
      icon("close"),
    ]);
    const clearButton = el("button", { type: "button", id: "cw-clear", class: "cw-header-button" });
    const quickExitButton = el("button", {
      type: "button",
      id: "cw-quick-exit",
      class: "cw-header-button cw-quick-exit",
    });
    // Under the title while a person of the intake team has the conversation.
    const withPerson = el("p", { id: "cw-with-person", class: "cw-with-person", hidden: true });
    const header = el("div", { class: "cw-header" }, [
      title,
      el("div", { class: "cw-header-controls" }, [languageButton, closeButton]),
      withPerson,
      el("div", { class: "cw-actions" }, [clearButton, quickExitButton]),
    ]);

    // The 911 links are made once and moved between sentences, so a focused one keeps focus.
    const emergency = el("p", { id: "cw-emergency", class: "cw-emergency" });
    // role="alert": announced when it appears.
    const offline = el("div", { id: "cw-offline", class: "cw-offline", role: "alert", hidden: true });

    const privacyTitle = el("p", { class: "cw-privacy-title" });
    const privacyText = el("p");
    const privacyEmergency = el("p");
    const privacyOk = el("button", {
      type: "button",
      id: "cw-privacy-ok",
      class: "cw-privacy-ok",
      "aria-describedby": "cw-privacy-text",
    });
    const privacy = el("div", { id: "cw-privacy", class: "cw-privacy", hidden: true }, [
      el("div", { id: "cw-privacy-text" }, [privacyTitle, privacyText, privacyEmergency]),
      privacyOk,
    ]);

    const hint = el("p", { class: "cw-hint" });
    const messages = el("div", { id: "cw-messages", class: "cw-messages", role: "log", "aria-live": "polite" });
    // Attached below the conversation only while waiting for the bot (showTyping).
    const typingText = document.createTextNode("");
    const typing = el("div", { id: "cw-typing", class: "cw-typing" }, [
      el("span", { class: "cw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      typingText,
    ]);
    const body = el("div", { class: "cw-body" }, [privacy, hint, messages]);

    const inputLabel = el("label", { for: "cw-input", class: "cw-visually-hidden" });
    const input = el("input", {
      type: "text",
      id: "cw-input",
      class: "cw-input",
      autocomplete: "off",
      maxlength: "1000",
      enterkeyhint: "send",
    });
    const send = el("button", { type: "submit", id: "cw-send", class: "cw-send" }, [icon("send")]);
    const form = el("form", { class: "cw-form" }, [inputLabel, input, send]);

    const newTabNote = el("span", { id: NEW_TAB_NOTE_ID, hidden: true });
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
      [header, emergency, offline, body, form, newTabNote],
    );
    const root = el("div", { id: "cw-root", role: "complementary", hidden: true }, [launcher, panel]);

    return {
      root,
      launcher,
      launcherText,
      panel,
      title,
      withPerson,
      language: languageButton,
      close: closeButton,
      clear: clearButton,
      quickExit: quickExitButton,
      emergency,
      emergencyLink: link("tel:911", "911"),
      offline,
      offlineLink: link("tel:911", "911"),
      phoneLink: config.phoneTel ? link(config.phoneTel, config.phone) : null,
      privacy,
      privacyTitle,
      privacyText,
      privacyEmergency,
      privacyEmergencyLink: link("tel:911", "911"),
      privacyOk,
      body,
      hint,
      messages,
      typing,
      typingText,
      form,
      inputLabel,
      input,
      send,
      newTabNote,
    };
  }

  function strings() {
    return STRINGS[state.language];
  }

  function otherLanguage() {
    return state.language === "es" ? "en" : "es";
  }

  // Puts the current language's strings everywhere at once, messages shown included;
  // the conversation, the input's text and the focus stay as they are.
  function showLanguage() {
    const s = strings();
    const name = config.centerName;
    const other = otherLanguage();
    refs.root.setAttribute("lang", state.language);
    refs.panel.setAttribute("lang", state.language);
    refs.root.setAttribute("aria-label", s.region);
    refs.launcher.setAttribute("aria-label", s.launcher(name));
    refs.launcherText.textContent = s.launcherText;
    refs.title.textContent = s.title(name);
    refs.withPerson.textContent = s.withPerson;
    // The other language's name, in that language, so its speakers recognise it.
    refs.language.textContent = STRINGS[other].languageName;
    refs.language.setAttribute("lang", other);
    refs.language.setAttribute("aria-label", s.switchLanguage);
    refs.clear.textContent = s.clear;
    refs.quickExit.textContent = s.quickExit;
    refs.close.setAttribute("aria-label", s.close);
    setChildren(refs.emergency, fill(s.emergency, { 911: refs.emergencyLink }));
    const offline = config.phone ? s.offline : s.offlineNoPhone;
    setChildren(refs.offline, fill(offline, { 911: refs.offlineLink, phone: refs.phoneLink || config.phone }));
    refs.privacyTitle.textContent = s.privacyTitle;
    refs.privacyText.textContent = s.privacyText(name);
    setChildren(refs.privacyEmergency, fill(s.privacyEmergency, { 911: refs.privacyEmergencyLink }));
    refs.privacyOk.textContent = s.privacyOk;
    refs.hint.textContent = s.hint;
    refs.messages.setAttribute("aria-label", s.conversation);
    refs.typingText.textContent = s.typing;
    refs.inputLabel.textContent = s.inputLabel;
    refs.input.setAttribute("placeholder", s.placeholder);
    refs.send.setAttribute("aria-label", s.send);
    refs.newTabNote.textContent = s.newTab;

    const all = (selector, update) => refs.messages.querySelectorAll(selector).forEach(update);
    all(".cw-speaker", (node) => {
      const from = ["bot", "person", "user"].find((kind) => node.parentNode.classList.contains(`cw-${kind}`));
      node.textContent = speakerText(from);
      if (node.hasAttribute("lang")) node.setAttribute("lang", state.language);
    });
    all(".cw-person-label", (node) => (node.textContent = s.personLabel));
    all(".cw-quick-replies", (node) => node.setAttribute("aria-label", s.suggestedReplies));
    all(".cw-feedback", (node) => {
      node.setAttribute("aria-label", s.rateAnswer);
      node.setAttribute("lang", state.language);
    });
    all(".cw-feedback-up", (node) => node.setAttribute("aria-label", s.helped));
    all(".cw-feedback-down", (node) => node.setAttribute("aria-label", s.notHelped));
    all(".cw-feedback-thanks", (node) => {
      if (node.textContent) node.textContent = s.thanks;
    });
  }

  // A string of STRINGS as a list of text and nodes: each {key} replaced by values[key].
  function fill(template, values) {
    return template
      .split(/(\{\w+\})/)
      .filter(Boolean)
      .map((part) => {
        const key = /^\{(\w+)\}$/.exec(part);
        return key && key[1] in values ? values[key[1]] : part;
      });
  }

  function setChildren(node, children) {
    const focused = node.contains(document.activeElement) ? document.activeElement : null;
    node.textContent = "";
    children.forEach((child) => {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    if (focused && node.contains(focused)) focused.focus();
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
  // so that the bubble's text is the message: a person's label goes above it.
  function renderRecord(record) {
    if (record.from === "notice") return renderNotice(record);
    const entry = el("div", { class: `cw-entry cw-entry-${record.from}` });
    if (record.from === "person") entry.appendChild(renderPersonLabel());
    if (record.text) {
      const bubble = renderBubble(record);
      entry.appendChild(bubble);
      if (record.from === "bot" && record.rateable) addFeedback(record, bubble, entry);
    }
    if (record.from === "bot" && record.quickReplies.length) entry.appendChild(renderQuickReplies(record));
    return entry;
  }

  // A bot's or a person's message is in the language it was written in (lang); its
  // speaker prefix and rating buttons are the widget's, in the widget's language. A
  // visitor's message has no lang of its own.
  function renderBubble(record) {
    const user = record.from === "user";
    const bubble = el("div", { class: `cw-message cw-${record.from}`, lang: !user && record.lang }, [
      el("span", { class: "cw-visually-hidden cw-speaker", lang: !user && state.language }, [
        speakerText(record.from),
      ]),
    ]);
    bubble.appendChild(linkify(record.text));
    return bubble;
  }

  // Who speaks, for screen readers: the visually hidden prefix of each bubble.
  function speakerText(from) {
    if (from === "bot") return strings().botSpeaker;
    if (from === "person") return strings().personSpeaker;
    return strings().userSpeaker;
  }

  // "Intake team" above a person's message, so that sighted visitors see who wrote it,
  // not only a colour. Hidden from screen readers, which get the bubble's speaker prefix
  // (saying it twice would read "Intake team Intake team: ...").
  function renderPersonLabel() {
    return el("p", { class: "cw-person-label", "aria-hidden": "true" }, [strings().personLabel]);
  }

  // That a person joined or left: a status line across the conversation, no bubble and no
  // speaker (the text says what happened). Inside the live log, so it is announced.
  function renderNotice(record) {
    const notice = el("p", { class: "cw-notice", lang: record.lang }, [linkify(record.text)]);
    return el("div", { class: "cw-entry cw-entry-notice" }, [notice]);
  }

  function renderQuickReplies(record) {
    const group = el("div", { class: "cw-quick-replies", role: "group", "aria-label": strings().suggestedReplies });
    if (record.replied) group.setAttribute("data-replied", "true");
    record.quickReplies.forEach((reply) => {
      if (LINK_PAYLOAD.test(reply.payload)) {
        const button = link(reply.payload, reply.title, "cw-link-button");
        if (record.lang) button.setAttribute("lang", record.lang);
        group.appendChild(button);
        return;
      }
      const button = el("button", { type: "button", class: "cw-quick-reply", lang: record.lang }, [reply.title]);
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
    const up = feedbackButton("cw-feedback-up", strings().helped, "thumbUp");
    const down = feedbackButton("cw-feedback-down", strings().notHelped, "thumbDown");
    const thanks = el("p", { class: "cw-feedback-thanks" });
    const show = () => {
      up.setAttribute("aria-pressed", String(record.rating === "up"));
      down.setAttribute("aria-pressed", String(record.rating === "down"));
      // Inside the live log, so the new text is announced.
      thanks.textContent = record.rating ? strings().thanks : "";
    };
    up.addEventListener("click", () => rate(record, "up", show));
    down.addEventListener("click", () => rate(record, "down", show));
    show();
    const label = strings().rateAnswer;
    const group = el("div", { class: "cw-feedback", role: "group", "aria-label": label, lang: state.language });
    group.appendChild(up);
    group.appendChild(down);
    bubble.appendChild(group);
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
    state.activeAt = Date.now();
    scheduleExpiry();
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

  // The typing indicator promises the bot's answer to what was just sent: not while
  // offline (none would arrive), nor while a person has the conversation (the bot stays
  // silent there, and a person answers when they can).
  function expectAnswer() {
    if (!state.offline && !state.withPerson) showTyping();
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
    refs.language.addEventListener("click", chooseOtherLanguage);
    refs.clear.addEventListener("click", clearConversation);
    refs.quickExit.addEventListener("click", quickExit);
    refs.privacyOk.addEventListener("click", acknowledgePrivacy);
    refs.form.addEventListener("submit", onSubmit);
    refs.root.addEventListener("keydown", onEscape);
    // Timers may not run in a hidden tab or a sleeping computer: checked again on return.
    document.addEventListener("visibilitychange", () => document.hidden || checkExpiry());
    window.addEventListener("pageshow", checkExpiry);
  }

  // Escape closes the panel; pressed twice in a row within the widget, it leaves the site.
  // Only in the widget: the page's own Escape (its menus, dialogs) stays the page's.
  function onEscape(event) {
    if (event.key !== "Escape" || event.isComposing || event.repeat) return;
    const now = Date.now();
    if (now - state.lastEscapeAt <= DOUBLE_ESCAPE_MS) {
      quickExit();
      return;
    }
    state.lastEscapeAt = now;
    if (isOpen()) close();
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
    if (opened) tabStorage.set(keys.open, "1");
    else tabStorage.remove(keys.open);
    if (!opened) return;
    refs.privacy.hidden = state.privacyAcknowledged;
    connect();
    scrollToEnd(); // the panel had no height while hidden
  }

  function acknowledgePrivacy() {
    state.privacyAcknowledged = true;
    tabStorage.set(PRIVACY_KEY, "1");
    refs.privacy.hidden = true;
    refs.input.focus();
  }

  // "Clear conversation": a new conversation, and nothing of the widget's left in either
  // storage (the language choice and the privacy note's OK included). The widget keeps
  // its language on this page.
  function clearConversation() {
    startNewConversation();
    tabStorage.removeWidgetKeys();
    browserStorage.removeWidgetKeys();
    if (isOpen()) refs.input.focus();
  }

  // "Leave this site quickly" (or Escape twice): clears as above, then replaces the page
  // with a neutral one, so that Back does not return to it.
  function quickExit() {
    forgetConversation();
    tabStorage.removeWidgetKeys();
    browserStorage.removeWidgetKeys();
    state.leaving = true; // replies still arriving are not stored again
    if (socket) socket.disconnect();
    refs.root.hidden = true;
    window.location.replace(config.exitUrl);
  }

  function startNewConversation() {
    forgetConversation();
    if (socket && socket.connected) {
      requestSession(); // null: the server starts a new conversation
    } else {
      state.sessionReady = false; // the next connect asks for a new one
    }
  }

  // Drops the conversation from the panel, the state and sessionStorage.
  function forgetConversation() {
    state.messages = [];
    state.sessionId = null;
    state.outbox = [];
    state.rateNextAnswer = true;
    state.conversationLanguage = null; // the widget keeps its language; a reload recomputes it
    state.languageRequested = null;
    state.withPerson = false; // a person joins a conversation, not the next one
    showWithPerson();
    state.activeAt = null;
    clearTimeout(state.expiryTimer);
    tabStorage.remove(keys.history);
    refs.messages.textContent = "";
    hideTyping();
    updateHint();
  }

  // The server ended its session after SESSION_EXPIRY_MINUTES without a message: so does
  // the widget, which forgets the conversation (shown and stored); the next
  // session_request asks for a new one. True if it did.
  function expireIfIdle() {
    if (state.activeAt === null || !isExpired(state.activeAt)) return false;
    forgetConversation();
    return true;
  }

  function checkExpiry() {
    if (expireIfIdle()) startNewConversation();
    else scheduleExpiry();
  }

  function scheduleExpiry() {
    clearTimeout(state.expiryTimer);
    if (state.activeAt === null) return;
    const left = state.activeAt + SESSION_EXPIRY_MS - Date.now();
    state.expiryTimer = setTimeout(checkExpiry, Math.max(0, left));
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = refs.input.value.trim();
    if (text && sendMessage(text, text)) refs.input.value = "";
  }

  // Shows the visitor's bubble and sends the message (a typed text or a quick
  // reply's payload).
  function sendMessage(message, shownText) {
    if (state.offline) return false;
    checkExpiry(); // a tab left open for long: the old conversation is over
    state.rateNextAnswer = true;
    state.languageRequested = null;
    const record = { from: "user", text: shownText };
    addRecord(record);
    queueMessage(message, record);
    return true;
  }

  // Before the session is confirmed (or while offline) a message waits in the outbox,
  // with the language the widget was in when it was written and its shown record
  // (none for the language button's commands).
  function queueMessage(message, record) {
    connect();
    state.outbox.push({ message, language: state.language, record: record || null });
    expectAnswer();
    flushOutbox();
  }

  // The language button: every string switches at once, the choice is remembered for
  // this browser, and the bot is told with a message the visitor does not see (its
  // reply, in the new language, confirms the switch).
  function chooseOtherLanguage() {
    checkExpiry(); // before the command joins the outbox, which expiry empties
    const language = otherLanguage();
    browserStorage.set(LANGUAGE_KEY, language);
    setLanguage(language);
    state.languageRequested = language;
    state.rateNextAnswer = false; // the confirmation is no answer to rate
    queueMessage(LANGUAGE_COMMANDS[language]);
  }

  // The conversation continues in this language (also after a reload).
  function setLanguage(language) {
    if (language === state.language && language === state.conversationLanguage) return;
    const changed = language !== state.language;
    state.conversationLanguage = language;
    state.language = language;
    if (changed) showLanguage();
    saveHistory();
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
    expireIfIdle(); // a computer woken after an hour asks for a new conversation
    state.sessionReady = false;
    state.pendingSessionRequests += 1;
    state.requestedSessionId = state.sessionId;
    socket.emit("session_request", { session_id: state.sessionId });
  }

  function onSessionConfirm(data) {
    const id = typeof data === "string" ? data : data && data.session_id;
    if (typeof id !== "string" || !id) return;
    state.pendingSessionRequests = Math.max(0, state.pendingSessionRequests - 1);
    // Confirms arrive in order: only the latest request's answer counts (after
    // "Clear conversation", the one for the new conversation).
    if (state.pendingSessionRequests > 0) return;
    if (state.requestedSessionId !== null && id !== state.requestedSessionId) keepOnlyUnsent();
    state.sessionId = id;
    state.sessionReady = true;
    saveHistory();
    flushOutbox();
    dispatch("cw:connected"); // no id: any script on the page would get it
  }

  // The server did not resume the conversation asked for (expired there, or an id it did
  // not issue) and started a new one: the old messages are not shown under the new id.
  // Those typed while waiting stay, and are sent in the new conversation.
  function keepOnlyUnsent() {
    const { outbox, rateNextAnswer, languageRequested } = state;
    forgetConversation();
    Object.assign(state, { rateNextAnswer, languageRequested });
    outbox.forEach((item) => {
      state.outbox.push(item);
      if (item.record) addRecord(item.record);
    });
  }

  function flushOutbox() {
    if (!state.sessionReady || !state.outbox.length) return;
    while (state.outbox.length) {
      const item = state.outbox.shift();
      socket.emit("user_uttered", {
        message: item.message,
        session_id: state.sessionId,
        metadata: { language: item.language },
      });
    }
    expectAnswer(); // again, if it was hidden while offline
  }

  // The bot's messages, and during a live takeover a person's messages and the notices
  // that they joined or left, all arrive as bot_uttered (see messageKind).
  function onBotUttered(data) {
    // Until the new session is confirmed, late replies belong to the conversation
    // the visitor just started over.
    if (!state.sessionReady || !data || typeof data !== "object") return;
    hideTyping();
    const kind = messageKind(data);
    const notice = kind === "joined" || kind === "left";
    // Before the emptiness check: a notice without text still changes who is there.
    if (notice) setWithPerson(kind === "joined");
    const record = cleanRecord({
      from: notice ? "notice" : kind,
      text: typeof data.text === "string" ? data.text : "",
      lang: answerLanguage(data),
      quickReplies: data.quick_replies,
    });
    const quickReplies = record.quickReplies || []; // only the bot's messages have them
    if (!record.text.trim() && !quickReplies.length) return; // nothing we can show
    followLanguage(record.lang);
    if (record.from !== "bot") {
      state.rateNextAnswer = false; // a person answered this turn, or it is no answer
    } else if (state.rateNextAnswer && isAnswer(record)) {
      record.rateable = true;
      state.rateNextAnswer = false;
    }
    addRecord(record); // no DOM event: any script on the page would get the text
  }

  // What a bot_uttered is: "bot" (the bot's own message, also during a takeover, as its
  // safety replies), or, from a person of the intake team (metadata.from "person"), the
  // notice that they "joined" or "left", or else their message: "person" (whatever
  // other metadata.takeover value a newer server may send).
  function messageKind(data) {
    const metadata = metadataOf(data);
    if (metadata.from !== "person") return "bot";
    return metadata.takeover === "joined" || metadata.takeover === "left" ? metadata.takeover : "person";
  }

  // The channel states a message's language in `metadata.language` (where standard widgets
  // such as rasa-webchat ignore it); servers of before #17 sent it as `lang`.
  function answerLanguage(data) {
    const metadata = metadataOf(data);
    return metadata.language !== undefined ? metadata.language : data.lang;
  }

  function metadataOf(data) {
    return data.metadata && typeof data.metadata === "object" ? data.metadata : {};
  }

  // A person of the intake team joined (or left) the conversation: the header says so
  // meanwhile, and the history keeps it for a reload.
  function setWithPerson(withPerson) {
    state.withPerson = withPerson;
    showWithPerson();
    saveHistory();
  }

  function showWithPerson() {
    refs.withPerson.hidden = !state.withPerson;
  }

  // The widget speaks the language the bot answered in (a visitor who writes Spanish on
  // an English page gets the widget in Spanish), without telling the bot, which knows;
  // except for messages in the other language just after the visitor chose one.
  function followLanguage(lang) {
    if (!lang) return;
    if (state.languageRequested) {
      if (lang !== state.languageRequested) return;
      state.languageRequested = null;
    }
    setLanguage(lang);
  }

  // 👍 / 👎 go on the first message of a bot turn that has text of its own, not on
  // one that only offers links (a call button, a website).
  function isAnswer(record) {
    const onlyLinks = record.quickReplies.length > 0 && record.quickReplies.every((r) => LINK_PAYLOAD.test(r.payload));
    return record.text.trim() !== "" && !onlyLinks;
  }

  // ---------------------------------------------------------------- helpers

  // Events for the page carry nothing about the conversation (no id, no text).
  function dispatch(name, detail) {
    document.dispatchEvent(new CustomEvent(name, detail === undefined ? {} : { detail }));
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
