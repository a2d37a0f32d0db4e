// What the page tells a person when a call fails: pure functions of the status, the gateway's error object and the
// response headers, so that they are unit-tested without a browser (test/errors.test.ts).

/** The gateway's JSON error object (`{"error":{"code":…,"message":…}}`), as far as the page reads it. */
export interface GatewayErrorBody {
  code?: string | null;
  message?: string | null;
}

export type Failure =
  | { type: "http"; status: number; body?: GatewayErrorBody; headers?: Headers; model?: string }
  | { type: "network"; gatewayUrl: string }
  | { type: "broken"; detail?: string };

export interface ErrorView {
  kind: "sign-in" | "forbidden" | "rate-limit" | "network" | "broken-stream" | "other";
  title: string;
  detail: string;
  /** When the caller may try again (epoch milliseconds), for a 429 that said so. */
  retryAt?: number;
  /** The `x-ratelimit-*` headers of the answer, as `name: value`. */
  rateLimits: string[];
  requestId?: string;
  /** The credential was refused: the page offers to sign in again. */
  signInAgain: boolean;
}

export function describeFailure(failure: Failure, now: number): ErrorView {
  switch (failure.type) {
    case "network":
      return {
        kind: "network",
        title: "The gateway could not be reached",
        detail:
          `No answer from ${failure.gatewayUrl}. Check your network connection and that the gateway is running; ` +
          "if it is, it may not allow this page's address (CORS).",
        rateLimits: [],
        signInAgain: false,
      };
    case "broken":
      return {
        kind: "broken-stream",
        title: "The answer broke off",
        detail:
          "The connection ended before the answer was complete; what arrived is kept above. Send again to retry." +
          (failure.detail ? ` (${failure.detail})` : ""),
        rateLimits: [],
        signInAgain: false,
      };
    case "http":
      return describeHttp(failure.status, failure.body ?? {}, failure.headers, failure.model, now);
  }
}

function describeHttp(status: number, body: GatewayErrorBody, headers: Headers | undefined, model: string | undefined, now: number): ErrorView {
  const said = body.message ? ` The gateway said: ${body.message}` : "";
  const base = { rateLimits: rateLimitHeaders(headers), requestId: headers?.get("x-request-id") ?? undefined, signInAgain: false };
  if (status === 401) {
    return {
      ...base,
      kind: "sign-in",
      title: "Sign in again",
      detail: "The gateway did not accept your key or sign-in (401): it may be wrong, expired or revoked." + said,
      signInAgain: true,
    };
  }

  if (status === 403 && body.code === "model_not_allowed") {
    return {
      ...base,
      kind: "forbidden",
      title: "This model is not granted to you",
      detail: `You may not use ${model ? `“${model}”` : "this model"} (403 model_not_allowed). Pick another model, or ask an administrator to grant it.`,
    };
  }

  if (status === 403 && body.code === "caller_not_registered") {
    return {
      ...base,
      kind: "forbidden",
      title: "Your account is not registered with the gateway",
      detail:
        "You are signed in, but the gateway has no caller for your account or its roles (403 caller_not_registered). " +
        "Ask an administrator to register it (callers add-principal or add-role).",
    };
  }

  if (status === 429) {
    const retryAt = retryAfter(headers, now);
    return {
      ...base,
      kind: "rate-limit",
      title: "Too many requests",
      detail:
        (retryAt === undefined ? "The gateway or the model is busy (429); wait a little before sending again." : "The gateway or the model is busy (429).") + said,
      retryAt,
    };
  }

  return {
    ...base,
    kind: "other",
    title: `The gateway answered ${status}${body.code ? ` ${body.code}` : ""}`,
    detail: (body.message ?? "No explanation came with it.") + (status >= 500 ? " Try again in a moment." : ""),
  };
}

/**
 * When a 429 says the caller may try again, as epoch milliseconds: `retry-after-ms`, else `retry-after` in seconds or
 * as an HTTP date. Undefined when neither is present or readable.
 */
export function retryAfter(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return now + Number(ms);
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return now + Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(now, date);
}

/** Whole seconds left until `retryAt` (never negative). */
export function secondsLeft(retryAt: number, now: number): number {
  return Math.max(0, Math.ceil((retryAt - now) / 1000));
}

/** The `x-ratelimit-*` headers, sorted, as `name: value` lines. */
export function rateLimitHeaders(headers: Headers | undefined): string[] {
  if (!headers) return [];
  const lines: string[] = [];
  headers.forEach((value, name) => {
    if (name.toLowerCase().startsWith("x-ratelimit-")) lines.push(`${name.toLowerCase()}: ${value}`);
  });
  return lines.sort();
}
