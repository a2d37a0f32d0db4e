import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from "openai";
import type { Failure, GatewayErrorBody } from "./errors";

/** Token counts from the stream's closing usage chunk. */
export interface Usage {
  prompt: number;
  completion: number;
  total: number;
}

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

/** How an answer ended. */
export type Outcome = { type: "done"; usage?: Usage } | { type: "stopped" } | { type: "failed"; failure: Failure };

/**
 * The gateway's OpenAI-compatible surface (`/api/v1`) through the OpenAI JS SDK. The SDK neither retries (a 429 is
 * shown to the person, with its countdown) nor logs: no prompt text reaches the console.
 */
export class GatewayClient {
  constructor(
    private readonly gatewayUrl: string,
    private readonly getSecretAsync: () => Promise<string>,
  ) {}

  private async clientAsync(): Promise<OpenAI> {
    return new OpenAI({
      baseURL: `${this.gatewayUrl}/api/v1`,
      apiKey: await this.getSecretAsync(),
      dangerouslyAllowBrowser: true,
      maxRetries: 0,
      timeout: 10 * 60 * 1000,
      logLevel: "off",
    });
  }

  /** The aliases this caller may use (`GET /api/v1/models` lists only those). */
  async listModelsAsync(): Promise<{ models: string[] } | { failure: Failure }> {
    try {
      const client = await this.clientAsync();
      const models: string[] = [];
      for await (const model of client.models.list()) models.push(model.id);
      return { models: models.sort() };
    } catch (error) {
      return { failure: this.failureOf(error, undefined, false) };
    }
  }

  /** Streams an answer, handing each piece of text to `onText` as it arrives. */
  async chatAsync(model: string, messages: ChatMessage[], onText: (text: string) => void, signal: AbortSignal): Promise<Outcome> {
    let answered = false;
    try {
      const client = await this.clientAsync();
      const stream = await client.chat.completions.create(
        { model, messages, stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      answered = true;
      let usage: Usage | undefined;
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) onText(text);

        if (chunk.usage) {
          usage = { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens, total: chunk.usage.total_tokens };
        }
      }

      // The SDK ends an aborted stream's iteration quietly instead of throwing.
      return signal.aborted ? { type: "stopped" } : { type: "done", usage };
    } catch (error) {
      if (signal.aborted || error instanceof APIUserAbortError) return { type: "stopped" };
      return { type: "failed", failure: this.failureOf(error, model, answered) };
    }
  }

  private failureOf(error: unknown, model: string | undefined, answered: boolean): Failure {
    if (error instanceof APIError && typeof error.status === "number") {
      return { type: "http", status: error.status, body: (error.error ?? {}) as GatewayErrorBody, headers: error.headers, model };
    }

    // After the answer began (its status and headers arrived), any failure is the stream breaking off: an error event
    // in it (the gateway's own, when the upstream failed mid-answer) or the connection cut. Before, a failed fetch is
    // the network, or the browser refusing the answer (CORS).
    if (answered || (error instanceof APIError && !(error instanceof APIConnectionError))) {
      const detail = error instanceof APIError ? ((error.error as GatewayErrorBody | undefined)?.message ?? undefined) : undefined;
      return { type: "broken", detail: detail ?? undefined };
    }

    return { type: "network", gatewayUrl: this.gatewayUrl };
  }
}
