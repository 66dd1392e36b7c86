// The playground page: a Telegram-like chat per persona, kept current by a long poll.
// It only does what a Telegram client can do; every reply comes from the real bot.
"use strict";

const COLOURS = ["#e17076", "#7bc862", "#65aadd", "#ee7aae", "#faa774", "#6ec9cb"];
const $ = (id) => document.getElementById(id);

const view = {
  state: null,
  active: null,           // persona id (string)
  seen: {},               // persona id -> number of bot messages already looked at
  hiddenKeyboards: {},    // persona id -> JSON of a one-time keyboard already used
  menuOpen: false,
};

function personaById(id) {
  return view.state.personas.find((p) => String(p.id) === String(id));
}

function botMessages(chat) {
  return chat.messages.filter((m) => m.from_bot).length;
}

// ------------------------------------------------------------------ server calls

async function act(action, payload, options = {}) {
  const url = `/api/personas/${view.active}/${action}` + (options.query || "");
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": options.type || "application/json" },
    body: options.raw || JSON.stringify(payload || {}),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    showToast(body.error || `The playground refused that (${response.status}).`);
    return null;
  }
  return body;
}

async function poll() {
  let since = null;
  for (;;) {
    try {
      const query = since === null ? "" : `?since=${since}`;
      const response = await fetch(`/api/state${query}`);
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      $("offline").hidden = true;
      since = state.revision;
      render(state);
    } catch (error) {
      $("offline").hidden = false;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

// ------------------------------------------------------------------ rendering

function render(state) {
  const first = view.state === null;
  view.state = state;
  document.title = `${state.bot} · ShopKeeps playground`;
  if (first) {
    const wanted = new URLSearchParams(location.hash.slice(1)).get("persona");
    const match = state.personas.find((p) => p.name.toLowerCase() === (wanted || "").toLowerCase());
    view.active = String((match || state.personas[0]).id);
  }
  view.seen[view.active] = botMessages(state.chats[view.active]);
  renderPersonas();
  renderChat();
}

function renderPersonas() {
  // The buttons are made once and then only updated: a button replaced while it is being
  // pressed (a bot message arriving between mouse down and up) would lose the click.
  const nav = $("personas");
  const names = view.state.personas.map((persona) => persona.name).join("\n");
  if (nav.dataset.names !== names) {
    nav.dataset.names = names;
    nav.replaceChildren(...view.state.personas.map(personaButton));
  }
  view.state.personas.forEach((persona, index) => {
    const id = String(persona.id);
    const item = nav.children[index];
    const unread = Math.max(0, botMessages(view.state.chats[id]) - (view.seen[id] || 0));
    item.className = "persona" + (id === view.active ? " active" : "");
    let badge = item.querySelector(".badge.unread");
    if (unread > 0 && !badge) {
      badge = document.createElement("span");
      badge.className = "badge unread";
      item.append(badge);
    }
    if (badge && unread > 0) badge.textContent = String(unread);
    if (badge && unread === 0) badge.remove();
  });
}

function personaButton(persona, index) {
  const id = String(persona.id);
  const item = document.createElement("button");
  item.type = "button";
  item.dataset.persona = persona.name;
  item.innerHTML = `<span class="avatar"></span><span class="who"><span class="name"></span>
    <span class="role"></span></span>`;
  const avatar = item.querySelector(".avatar");
  avatar.textContent = persona.name[0];
  avatar.style.background = COLOURS[index % COLOURS.length];
  item.querySelector(".name").textContent = persona.name;
  item.querySelector(".role").textContent = persona.role;
  item.addEventListener("click", () => switchTo(id));
  return item;
}

function switchTo(id) {
  view.active = id;
  view.menuOpen = false;
  $("toast").hidden = true; // it answered the other persona's button
  history.replaceState(null, "", `#persona=${encodeURIComponent(personaById(id).name)}`);
  render(view.state);
  $("text-input").focus();
}

function renderChat() {
  const persona = personaById(view.active);
  const chat = view.state.chats[view.active];
  $("chat-title").textContent = view.state.bot;
  $("chat-subtitle").textContent = `bot · you are ${persona.name} (${persona.role})`;
  renderLoginHint(persona);
  renderLanguage(persona);
  // A member's chat has the bot's menu button that opens the back office (a Mini App).
  $("backoffice-button").hidden =
    !view.state.back_office || !["staff", "manager"].includes(persona.role);
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const before = box.dataset.persona;
  box.dataset.persona = view.active;
  if (chat.messages.length === 0) {
    const hint = document.createElement("div");
    hint.className = "empty-chat";
    hint.textContent = `${persona.name} has not talked to the bot yet. Press START below.`;
    box.replaceChildren(hint);
  } else {
    box.replaceChildren(...chat.messages.map(renderMessage));
  }
  if (atBottom || before !== view.active) box.scrollTop = box.scrollHeight;
  $("start-bar").hidden = chat.messages.length > 0;
  $("composer").hidden = chat.messages.length === 0;
  renderMenu(chat.commands);
  renderReplyKeyboard(chat.reply_keyboard);
}

function renderLanguage(persona) {
  const select = $("app-language");
  const codes = Object.keys(view.state.languages);
  if (select.options.length !== codes.length) {
    select.replaceChildren(...codes.map((code) => new Option(view.state.languages[code], code)));
  }
  select.value = persona.language;
}

function renderLoginHint(persona) {
  const hint = $("login-hint");
  hint.hidden = !persona.login;
  if (!persona.login) return;
  const chip = (value, title) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = value;
    button.title = title;
    button.className = `demo-${title}`;
    button.addEventListener("click", () => {
      $("text-input").value = value;
      $("text-input").focus();
    });
    return button;
  };
  hint.replaceChildren(
    "Demo login (click to type it):",
    chip("/login", "command"),
    chip(persona.login.username, "username"),
    chip(persona.login.password, "password"),
  );
}

function renderMessage(message) {
  const wrapper = document.createElement("div");
  wrapper.className = "message " + (message.from_bot ? "bot" : "mine");
  wrapper.dataset.messageId = message.id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if ("photo" in message) {
    if (message.photo) {
      const img = document.createElement("img");
      img.src = message.photo;
      img.alt = "photo";
      bubble.append(img);
    } else {
      const missing = document.createElement("div");
      missing.className = "photo-missing";
      missing.textContent = "🖼 photo";
      bubble.append(missing);
    }
  }
  if (message.document) {
    const doc = document.createElement("div");
    doc.className = "document";
    const link = document.createElement(message.document.url ? "a" : "span");
    link.textContent = `📄 ${message.document.name}`;
    if (message.document.url) {
      link.href = message.document.url;
      link.download = message.document.name;
    }
    doc.append(link);
    bubble.append(doc);
  }
  if (message.contact) bubble.append(`📱 ${message.contact}`);
  if (message.location) {
    const place = document.createElement("a");
    place.className = "location";
    place.href = message.location.map;
    place.target = "_blank";
    place.rel = "noopener noreferrer";
    place.textContent = `📍 ${message.location.text} · open the map`;
    bubble.append(place);
  }
  if (message.invoice) bubble.append(renderInvoice(message));
  if (message.payment) bubble.append(message.payment);
  if (message.sticker) bubble.append("🙂 (sticker)");
  const text = document.createElement("div");
  text.className = "text";
  text.innerHTML = message.html; // built by the server from parsed markup, never raw input
  text.querySelectorAll(".spoiler").forEach((s) =>
    s.addEventListener("click", () => s.classList.add("revealed")));
  bubble.append(text);
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  meta.textContent = (message.edited ? "edited " : "") + time;
  bubble.append(meta);
  wrapper.append(bubble);
  if (message.buttons.length) wrapper.append(renderInlineKeyboard(message));
  return wrapper;
}

function renderInvoice(message) {
  const invoice = message.invoice;
  const card = document.createElement("div");
  card.className = "invoice";
  const title = document.createElement("strong");
  title.textContent = `🧾 ${invoice.title}`;
  const description = document.createElement("div");
  description.textContent = invoice.description;
  const pay = document.createElement("button");
  pay.type = "button";
  pay.className = "pay-button";
  pay.textContent = `Pay ${invoice.total}`;
  pay.addEventListener("click", () => openPaymentSheet(message));
  card.append(title, description, pay);
  return card;
}

// The test payment sheet: like Telegram's, it lists the price lines, takes a (test) card,
// and only charges once the bot has said yes to the pre-checkout query.
function openPaymentSheet(message) {
  const invoice = message.invoice;
  $("sheet-title").textContent = invoice.title;
  $("sheet-lines").replaceChildren(
    ...invoice.prices.map((price) => {
      const line = document.createElement("div");
      line.className = "sheet-line";
      const label = document.createElement("span");
      label.textContent = price.label;
      const amount = document.createElement("span");
      amount.textContent = price.amount;
      line.append(label, amount);
      return line;
    }),
  );
  $("sheet-total").textContent = invoice.total;
  $("sheet-pay").textContent = `Pay ${invoice.total}`;
  $("sheet-error").hidden = true;
  $("sheet-pay").disabled = false;
  $("sheet").dataset.messageId = message.id;
  $("sheet").hidden = false;
  $("sheet-pay").focus();
}

async function payFromSheet() {
  const messageId = Number($("sheet").dataset.messageId);
  $("sheet-pay").disabled = true;
  $("sheet-pay").textContent = "Checking with the shop…";
  const result = await act("pay", { message_id: messageId });
  if (result && result.ok) {
    $("sheet").hidden = true;
    showToast("Payment sent (test card: nothing was charged).");
    return;
  }
  $("sheet-error").textContent = (result && result.error) || "The payment did not go through.";
  $("sheet-error").hidden = false;
  $("sheet-pay").textContent = "Payment refused";
}

function renderInlineKeyboard(message) {
  const keyboard = document.createElement("div");
  keyboard.className = "inline-keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "inline-row";
    for (const button of row) {
      let element;
      if (button.url) {
        element = document.createElement("a");
        element.href = button.url;
        element.target = "_blank";
        element.rel = "noopener noreferrer";
      } else {
        element = document.createElement("button");
        element.type = "button";
        element.addEventListener("click", () => press(message.id, button.data, element));
      }
      element.textContent = button.text;
      line.append(element);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function renderMenu(commands) {
  const menu = $("command-menu");
  $("menu-button").hidden = commands.length === 0;
  menu.replaceChildren(
    ...commands.map((c) => {
      const item = document.createElement("button");
      item.type = "button";
      item.setAttribute("role", "menuitem");
      item.innerHTML = `<span class="command"></span><span class="description"></span>`;
      item.querySelector(".command").textContent = `/${c.command}`;
      item.querySelector(".description").textContent = c.description;
      item.addEventListener("click", () => {
        view.menuOpen = false;
        menu.hidden = true;
        send(`/${c.command}`);
      });
      return item;
    }),
  );
  menu.hidden = !view.menuOpen || commands.length === 0;
}

function renderReplyKeyboard(keyboard) {
  const box = $("reply-keyboard");
  const key = keyboard && JSON.stringify(keyboard);
  if (!keyboard || view.hiddenKeyboards[view.active] === key) {
    box.hidden = true;
    $("text-input").placeholder = "Message";
    return;
  }
  $("text-input").placeholder = keyboard.placeholder || "Message";
  box.replaceChildren(
    ...keyboard.rows.map((row) => {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.text;
        element.addEventListener("click", async () => {
          if (keyboard.one_time) view.hiddenKeyboards[view.active] = key;
          if (button.request_contact) await act("contact");
          else await send(button.text);
        });
        line.append(element);
      }
      return line;
    }),
  );
  box.hidden = false;
}

// ------------------------------------------------------------------ acting

async function send(text) {
  await act("text", { text });
}

async function press(messageId, data, element) {
  element.classList.add("pending");
  const result = await act("press", { message_id: messageId, data });
  element.classList.remove("pending");
  const answer = result && result.answer;
  if (answer && answer.text) {
    if (answer.alert) showAlert(answer.text);
    else showToast(answer.text);
  }
}

let toastTimer = null;
function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 3500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

function wire() {
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("text-input");
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    await send(text);
  });
  $("start-button").addEventListener("click", () => send("/start"));
  $("backoffice-button").addEventListener("click", async () => {
    // As Telegram opens a Mini App: the page, with launch data signed for this person.
    const opened = await act("backoffice");
    if (opened) window.open(opened.url, "_blank", "noopener");
  });
  $("app-language").addEventListener("change", async (event) => {
    // As if the persona set their phone to this language: the bot follows it (until they
    // choose one with /language), and their menu comes in it.
    await act("language", { language: event.target.value });
  });
  $("menu-button").addEventListener("click", () => {
    view.menuOpen = !view.menuOpen;
    $("command-menu").hidden = !view.menuOpen;
  });
  $("attach-button").addEventListener("click", () => $("photo-input").click());
  $("photo-input").addEventListener("change", async () => {
    const file = $("photo-input").files[0];
    $("photo-input").value = "";
    if (!file) return;
    const caption = $("text-input").value;
    $("text-input").value = "";
    const query = `?name=${encodeURIComponent(file.name)}` +
      (caption ? `&caption=${encodeURIComponent(caption)}` : "");
    await act("photo", null, { raw: file, type: file.type || "application/octet-stream", query });
  });
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
  $("sheet-pay").addEventListener("click", payFromSheet);
  $("sheet-close").addEventListener("click", () => { $("sheet").hidden = true; });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      $("alert").hidden = true;
      $("sheet").hidden = true;
      view.menuOpen = false;
      $("command-menu").hidden = true;
    }
  });
}

wire();
poll();
