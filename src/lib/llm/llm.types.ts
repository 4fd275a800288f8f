import type { z } from 'zod';

/**
 * The contract between Nexo's agents/plans and an OpenAI-compatible model (NEXO_LLM_*).
 * The client (src/lib/llm/) owns transport, timeout, retry-once-with-validation-errors, the
 * per-provider circuit breaker and token/cost accounting; callers own the prompt, the zod
 * schema and the rule-pack fallback when the result is not ok.
 */
export interface LlmUsage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Estimated from NEXO_LLM_* prices per million tokens; 0 when no price is configured. */
  costUsd: number;
}

export interface LlmPrompt {
  /** Versioned id, the prompt file's name without extension, e.g. `agent-tasks.v1`. */
  id: string;
  /** The system message text (the prompt file's content). */
  system: string;
}

export interface LlmJsonRequest<T> {
  prompt: LlmPrompt;
  /** A compact context, sent as JSON in the user message. */
  input: unknown;
  /** The answer must parse as JSON and validate against this schema. */
  schema: z.ZodType<T>;
  signal?: AbortSignal;
}

export type LlmFailure = 'timeout' | 'error' | 'invalid' | 'breaker_open';

export type LlmJsonResult<T> =
  | { ok: true; value: T; usage: LlmUsage; model: string }
  | { ok: false; reason: LlmFailure; detail: string; usage: LlmUsage; model: string };

export type LlmBreakerState = 'closed' | 'open' | 'half_open';

/** What diagnostics may show about the configured model (never the key). */
export interface LlmStatus {
  model: string;
  baseUrlHost: string;
  breaker: LlmBreakerState;
}

export interface LlmClient {
  readonly model: string;
  completeJson<T>(request: LlmJsonRequest<T>): Promise<LlmJsonResult<T>>;
  /** Model, base URL host and breaker state for diagnostics (GET /api/system/info); optional for test doubles. */
  status?(): LlmStatus;
}
