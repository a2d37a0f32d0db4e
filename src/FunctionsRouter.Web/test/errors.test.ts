import assert from "node:assert/strict";
import { test } from "node:test";
import { describeFailure, rateLimitHeaders, retryAfter, secondsLeft } from "../src/errors";

const now = Date.UTC(2026, 0, 1, 12, 0, 0);

test("retryAfter_Seconds_DeadlineThatManySecondsAhead", () => {
  assert.equal(retryAfter(new Headers({ "retry-after": "7" }), now), now + 7000);
});

test("retryAfter_MillisecondsHeader_WinsOverSeconds", () => {
  assert.equal(retryAfter(new Headers({ "retry-after-ms": "1500", "retry-after": "7" }), now), now + 1500);
});

test("retryAfter_HttpDate_ThatDate", () => {
  assert.equal(retryAfter(new Headers({ "retry-after": new Date(now + 20_000).toUTCString() }), now), now + 20_000);
});

test("retryAfter_MissingOrGarbage_Undefined", () => {
  assert.equal(retryAfter(new Headers(), now), undefined);
  assert.equal(retryAfter(new Headers({ "retry-after": "soon" }), now), undefined);
  assert.equal(retryAfter(undefined, now), undefined);
});

test("secondsLeft_RoundsUpAndNeverNegative", () => {
  assert.equal(secondsLeft(now + 6001, now), 7);
  assert.equal(secondsLeft(now + 7000, now), 7);
  assert.equal(secondsLeft(now - 10, now), 0);
});

test("rateLimitHeaders_OnlyXRateLimit_SortedAsLines", () => {
  const headers = new Headers({ "x-ratelimit-remaining-tokens": "10", "x-ratelimit-limit-requests": "60", "retry-after": "1" });
  assert.deepEqual(rateLimitHeaders(headers), ["x-ratelimit-limit-requests: 60", "x-ratelimit-remaining-tokens: 10"]);
});

test("describeFailure_401_AsksToSignInAgain", () => {
  const view = describeFailure({ type: "http", status: 401, body: { code: "invalid_credentials", message: "Unknown key." } }, now);
  assert.equal(view.kind, "sign-in");
  assert.ok(view.signInAgain);
  assert.match(view.detail, /Unknown key\./);
});

test("describeFailure_403ModelNotAllowed_NamesTheModel", () => {
  const view = describeFailure({ type: "http", status: 403, body: { code: "model_not_allowed" }, model: "gpt-x" }, now);
  assert.equal(view.kind, "forbidden");
  assert.match(view.detail, /“gpt-x”/);
  assert.ok(!view.signInAgain);
});

test("describeFailure_403CallerNotRegistered_SaysWhoToAsk", () => {
  const view = describeFailure({ type: "http", status: 403, body: { code: "caller_not_registered" } }, now);
  assert.match(view.title, /not registered/);
  assert.match(view.detail, /administrator/);
});

test("describeFailure_429_CarriesRetryTimeLimitsAndRequestId", () => {
  const headers = new Headers({ "retry-after": "7", "x-ratelimit-remaining-requests": "0", "x-request-id": "req-1" });
  const view = describeFailure({ type: "http", status: 429, body: { code: "all_deployments_busy" }, headers }, now);
  assert.equal(view.kind, "rate-limit");
  assert.equal(view.retryAt, now + 7000);
  assert.deepEqual(view.rateLimits, ["x-ratelimit-remaining-requests: 0"]);
  assert.equal(view.requestId, "req-1");
});

test("describeFailure_OtherStatus_ShowsCodeAndMessage", () => {
  const view = describeFailure({ type: "http", status: 502, body: { code: "upstream_error", message: "Bad gateway." } }, now);
  assert.equal(view.title, "The gateway answered 502 upstream_error");
  assert.match(view.detail, /Bad gateway\. Try again/);
});

test("describeFailure_NetworkAndBroken_SayWhichAndKeepWhatArrived", () => {
  assert.match(describeFailure({ type: "network", gatewayUrl: "http://gw" }, now).detail, /http:\/\/gw.*CORS/);
  assert.match(describeFailure({ type: "broken" }, now).detail, /kept/);
});
