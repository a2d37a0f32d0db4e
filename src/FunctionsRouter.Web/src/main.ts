import { loadConfig, type PageConfig } from "./config";
import { EntraSignIn, keyCredential, storedKeyCredential, tokenCredential, type Credential } from "./credentials";
import { describeFailure, secondsLeft, type ErrorView, type Failure } from "./errors";
import { GatewayClient, type ChatMessage, type Usage } from "./gateway";
import { renderMarkdown } from "./markdown";

// The page: sign in (Entra ID or a gateway key), pick a model, chat with streamed answers, stop, usage, errors.
// Nothing here writes to the console: prompts and answers must never reach it.

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  loading: $("loading"),
  who: $("who"),
  signOut: $<HTMLButtonElement>("sign-out"),
  signIn: $("sign-in"),
  entraArea: $("entra-area"),
  entraSignIn: $<HTMLButtonElement>("entra-sign-in"),
  keyForm: $<HTMLFormElement>("key-form"),
  key: $<HTMLInputElement>("key"),
  chat: $("chat"),
  model: $<HTMLSelectElement>("model"),
  newChat: $<HTMLButtonElement>("new-chat"),
  messages: $<HTMLOListElement>("messages"),
  usage: $("usage"),
  chatForm: $<HTMLFormElement>("chat-form"),
  prompt: $<HTMLTextAreaElement>("prompt"),
  send: $<HTMLButtonElement>("send"),
  stop: $<HTMLButtonElement>("stop"),
  error: $("error"),
  errorTitle: $("error-title"),
  errorDetail: $("error-detail"),
  errorCountdown: $("error-countdown"),
  errorLimits: $<HTMLUListElement>("error-limits"),
  errorRequest: $("error-request"),
  errorSignIn: $<HTMLButtonElement>("error-sign-in"),
};

let config: PageConfig;
let entra: EntraSignIn | undefined;
let credential: Credential | undefined;
let gateway: GatewayClient | undefined;
let conversation: ChatMessage[] = [];
let answering: AbortController | undefined;
let countdown: number | undefined;
let waitUntil = 0;

async function startAsync(): Promise<void> {
  try {
    config = await loadConfig();
    if (config.entra) {
      entra = await EntraSignIn.createAsync(config.entra);
      ui.entraArea.hidden = false;
    }

    if (config.testHooks) {
      (window as unknown as Record<string, unknown>).functionsRouterTest = {
        signInWithToken: (token: string, name: string) => signInAsync(tokenCredential(token, name)),
      };
    }

    const existing = (await entra?.accountAsync()) ?? storedKeyCredential();
    ui.loading.hidden = true;
    if (existing) await signInAsync(existing);
    else showSignIn();
  } catch (error) {
    ui.loading.textContent = `The page could not start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function showSignIn(): void {
  ui.chat.hidden = true;
  ui.signIn.hidden = false;
  ui.who.hidden = true;
  ui.signOut.hidden = true;
  ui.key.focus();
}

async function signInAsync(next: Credential): Promise<void> {
  credential = next;
  gateway = new GatewayClient(config.gatewayUrl, () => next.getSecretAsync());
  clearError();
  const listed = await gateway.listModelsAsync();
  if ("failure" in listed) {
    showError(describeFailure(listed.failure, Date.now()));
    if (listed.failure.type === "http" && listed.failure.status === 401) await signOutAsync();
    return;
  }

  ui.model.replaceChildren(...listed.models.map((id) => new Option(id, id)));
  ui.signIn.hidden = true;
  ui.chat.hidden = false;
  ui.who.textContent = `Signed in: ${next.label}`;
  ui.who.hidden = false;
  ui.signOut.hidden = false;
  if (listed.models.length === 0) {
    showError({ kind: "forbidden", title: "No models", detail: "No model is granted to you yet: ask an administrator.", rateLimits: [], signInAgain: false });
  }

  ui.prompt.focus();
}

/** Forgets the credential (an error on screen stays, so that a refused key says why it was dropped). */
async function signOutAsync(): Promise<void> {
  answering?.abort();
  const leaving = credential;
  credential = undefined;
  gateway = undefined;
  await leaving?.signOutAsync();
  showSignIn();
}

function newChat(): void {
  conversation = [];
  ui.messages.replaceChildren();
  ui.usage.textContent = "";
  clearError();
  ui.prompt.focus();
}

function addMessage(role: ChatMessage["role"], text: string): { item: HTMLLIElement; body: HTMLDivElement } {
  const item = document.createElement("li");
  item.className = `message ${role}`;
  const said = document.createElement("span");
  said.className = "who-said";
  said.textContent = role === "user" ? "You" : ui.model.value;
  const body = document.createElement("div");
  body.className = "body";
  if (role === "user") body.textContent = text;
  item.append(said, body);
  ui.messages.append(item);
  return { item, body };
}

async function sendAsync(): Promise<void> {
  const text = ui.prompt.value.trim();
  const model = ui.model.value;
  if (!text || !model || !gateway || answering || Date.now() < waitUntil) return;

  clearError();
  ui.usage.textContent = "";
  conversation.push({ role: "user", content: text });
  const asked = addMessage("user", text);
  ui.prompt.value = "";
  const answer = addMessage("assistant", "");
  answer.item.setAttribute("aria-busy", "true");
  answering = new AbortController();
  setAnswering(true);
  ui.usage.textContent = "Answering… Stop (or Esc) ends it.";

  let received = "";
  let frame = 0;
  const render = () => {
    frame = 0;
    answer.body.innerHTML = renderMarkdown(received);
  };
  const outcome = await gateway.chatAsync(
    model,
    conversation,
    (piece) => {
      received += piece;
      frame ||= requestAnimationFrame(render);
    },
    answering.signal,
  );
  if (frame) cancelAnimationFrame(frame);
  render();
  answer.item.removeAttribute("aria-busy");
  answering = undefined;
  setAnswering(false);

  if (outcome.type === "done") {
    conversation.push({ role: "assistant", content: received });
    showUsage(outcome.usage);
    return;
  }

  if (received) {
    conversation.push({ role: "assistant", content: received });
  } else {
    // Nothing came back: take the question back into the box, so it can be sent again as it was.
    conversation.pop();
    asked.item.remove();
    answer.item.remove();
    ui.prompt.value = text;
  }

  if (outcome.type === "stopped") {
    if (received) markEnded(answer.item, "Stopped.");
    ui.usage.textContent = "Stopped: the gateway cancelled the model's answer.";
    ui.prompt.focus();
    return;
  }

  if (received) markEnded(answer.item, "Broke off.");
  showError(describeFailure(outcome.failure, Date.now()));
  if (outcome.failure.type === "http" && outcome.failure.status === 401) await signOutAsync();
}

function markEnded(item: HTMLElement, text: string): void {
  const note = document.createElement("p");
  note.className = "ended";
  note.textContent = text;
  item.append(note);
}

function setAnswering(on: boolean): void {
  ui.send.disabled = on || Date.now() < waitUntil;
  ui.stop.disabled = !on;
  ui.model.disabled = on;
  if (on) ui.stop.focus();
  else ui.prompt.focus();
}

function showUsage(usage: Usage | undefined): void {
  ui.usage.textContent = usage
    ? `Tokens used: ${usage.prompt} in, ${usage.completion} out, ${usage.total} in all.`
    : "The gateway sent no token count for this answer.";
}

function showError(view: ErrorView): void {
  clearError();
  ui.errorTitle.textContent = view.title;
  ui.errorDetail.textContent = view.detail;
  ui.errorLimits.replaceChildren(
    ...view.rateLimits.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }),
  );
  ui.errorLimits.hidden = view.rateLimits.length === 0;
  ui.errorRequest.textContent = view.requestId ? `Request id: ${view.requestId}` : "";
  ui.errorRequest.hidden = !view.requestId;
  ui.errorSignIn.hidden = !view.signInAgain;
  ui.error.dataset.kind = view.kind;
  ui.error.hidden = false;
  if (view.retryAt !== undefined) startCountdown(view.retryAt);
}

function startCountdown(retryAt: number): void {
  waitUntil = retryAt;
  ui.send.disabled = true;
  ui.errorCountdown.hidden = false;
  const tick = () => {
    const left = secondsLeft(retryAt, Date.now());
    if (left > 0) {
      ui.errorCountdown.textContent = `You can send again in ${left} s.`;
      return;
    }

    ui.errorCountdown.textContent = "You can send again now.";
    stopCountdown();
    ui.send.disabled = answering !== undefined;
  };
  tick();
  if (waitUntil > Date.now()) countdown = window.setInterval(tick, 250);
}

function stopCountdown(): void {
  if (countdown !== undefined) window.clearInterval(countdown);
  countdown = undefined;
  waitUntil = 0;
}

function clearError(): void {
  stopCountdown();
  ui.error.hidden = true;
  ui.errorCountdown.hidden = true;
  ui.errorCountdown.textContent = "";
  ui.send.disabled = answering !== undefined;
}

ui.keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const key = ui.key.value.trim();
  ui.key.value = "";
  if (key) void signInAsync(keyCredential(key));
});
ui.entraSignIn.addEventListener("click", () => void entra?.signInAsync());
ui.signOut.addEventListener("click", () => void signOutAsync());
ui.errorSignIn.addEventListener("click", () => {
  clearError();
  if (credential) void signOutAsync();
  else showSignIn();
});
ui.newChat.addEventListener("click", newChat);
ui.chatForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void sendAsync();
});
ui.prompt.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void sendAsync();
  }
});
ui.stop.addEventListener("click", () => answering?.abort());
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && answering) answering.abort();
});

void startAsync();
