import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import CircuitBreaker from 'opossum';
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { LlmBreakerState, LlmClient, LlmFailure, LlmJsonRequest, LlmJsonResult, LlmStatus, LlmUsage } from './llm.types.ts';

/**
 * The LLM client behind LLM mode (docs/llm.md): one chat completion per attempt against any OpenAI-compatible
 * endpoint, JSON mode when the server accepts it, the answer validated by the caller's zod schema and retried once
 * with the validation errors, a per-call timeout, a circuit breaker per provider (base URL + model) and token/cost
 * accounting. Provider failures never throw: they come back as `{ ok: false, reason }` for the caller's rule-pack
 * fallback.
 *
 * The SDK's own retries are off (`maxRetries: 0`): a failed call is not repeated here, because the caller falls
 * back to its rules at once and the breaker counts every failure; only an invalid answer earns a second call.
 */

export interface NexoLlmClient extends LlmClient {
  status(): LlmStatus;
}

/** The NEXO_LLM_* settings (Config['llm'], parsed by src/config.ts; lib/ does not import config). */
export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per HTTP call to the model. */
  timeoutMs: number;
  /** USD per million tokens (0 = not priced). */
  prices: { inputPerMillion: number; outputPerMillion: number };
  /** Opens after `failureThreshold` consecutive failed calls; one trial call after `resetTimeoutMs`. */
  breaker: { failureThreshold: number; resetTimeoutMs: number };
}

export interface LlmClientOptions {
  metrics?: Metrics;
  log?: Logger;
}

/** Thrown inside the breaker's action for a failed call (counted by the breaker unless `counts` is false). */
class CallFailure extends Error {
  readonly reason: Exclude<LlmFailure, 'invalid' | 'breaker_open'>;
  readonly counts: boolean;
  constructor(reason: CallFailure['reason'], message: string, counts = true) {
    super(message);
    this.reason = reason;
    this.counts = counts;
  }
}

interface Attempt {
  content: string;
  promptTokens: number;
  completionTokens: number;
}

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

/** One breaker per provider in this process, shared by every client built for the same base URL + model. */
const breakers = new Map<string, CircuitBreaker<[() => Promise<Attempt>], Attempt>>();

/** Builds the client from NEXO_LLM_* settings; null when LLM mode is not configured (callers use their rules). */
export function createLlmClient(config: LlmSettings | undefined | null, options: LlmClientOptions = {}): NexoLlmClient | null {
  if (!config) return null;
  const { metrics, log } = options;
  const { model, timeoutMs, prices } = config;
  const baseUrlHost = new URL(config.baseUrl).host;
  const openai = new OpenAI({
    baseURL: config.baseUrl,
    // Local servers (Ollama, vLLM, LM Studio) need no key; the SDK insists on one, the server ignores it.
    apiKey: config.apiKey ?? 'not-needed',
    maxRetries: 0,
    timeout: timeoutMs,
  });
  // Servers that refuse `response_format` (some local ones) are asked again without it, and not asked again.
  let jsonMode = true;

  const call = async (messages: Message[], callerSignal: AbortSignal | undefined): Promise<Attempt> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const send = () =>
      openai.chat.completions.create(
        { model, messages, temperature: 0, ...(jsonMode ? { response_format: { type: 'json_object' as const } } : {}) },
        { signal, maxRetries: 0, timeout: timeoutMs },
      );
    try {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await send();
      } catch (error) {
        if (!(jsonMode && refusesJsonMode(error))) throw error;
        jsonMode = false;
        log?.info({ model, host: baseUrlHost }, 'the LLM server refuses response_format json_object; asking for JSON in the prompt only');
        completion = await send();
      }
      return {
        content: completion.choices[0]?.message?.content ?? '',
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
      };
    } catch (error) {
      if (timeout.aborted || error instanceof APIConnectionTimeoutError) throw new CallFailure('timeout', `no answer within ${timeoutMs} ms`);
      if (callerSignal?.aborted || error instanceof APIUserAbortError) throw new CallFailure('error', 'aborted by the caller', false);
      if (error instanceof APIError && error.status !== undefined) throw new CallFailure('error', `HTTP ${error.status}: ${truncate(error.message)}`);
      throw new CallFailure('error', truncate((error as Error).message ?? String(error)));
    }
  };

  const key = `${config.baseUrl}|${model}`;
  const provider =
    breakers.get(key) ?? createBreaker(config.breaker, (state) => log?.warn({ model, host: baseUrlHost, state }, `LLM circuit breaker ${state}`));
  breakers.set(key, provider);

  const status = (): LlmStatus => ({ model, baseUrlHost, breaker: provider.opened ? 'open' : provider.halfOpen ? 'half_open' : 'closed' });

  async function completeJson<T>(request: LlmJsonRequest<T>): Promise<LlmJsonResult<T>> {
    const usage: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
    const finish = (result: LlmJsonResult<T>): LlmJsonResult<T> => {
      metrics?.llmRequests.inc({ model, outcome: result.ok ? 'ok' : result.reason });
      if (!result.ok)
        log?.warn({ model, host: baseUrlHost, prompt: request.prompt.id, reason: result.reason, detail: result.detail, usage }, 'LLM call failed');
      return result;
    };
    const messages: Message[] = [
      { role: 'system', content: request.prompt.system },
      { role: 'user', content: JSON.stringify(request.input ?? null) },
    ];
    let problems = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let answer: Attempt;
      try {
        usage.calls += 1;
        answer = await provider.fire(() => call(messages, request.signal));
      } catch (error) {
        if (error instanceof CallFailure) return finish({ ok: false, reason: error.reason, detail: error.message, usage, model });
        if ((error as { code?: string }).code === 'EOPENBREAKER') {
          usage.calls -= 1;
          return finish({ ok: false, reason: 'breaker_open', detail: `circuit breaker open for ${baseUrlHost} ${model}: not called`, usage, model });
        }
        return finish({ ok: false, reason: 'error', detail: truncate((error as Error).message ?? String(error)), usage, model });
      }
      usage.promptTokens += answer.promptTokens;
      usage.completionTokens += answer.completionTokens;
      usage.costUsd = (usage.promptTokens * prices.inputPerMillion + usage.completionTokens * prices.outputPerMillion) / 1_000_000;
      metrics?.llmTokens.inc({ model, kind: 'prompt' }, answer.promptTokens);
      metrics?.llmTokens.inc({ model, kind: 'completion' }, answer.completionTokens);
      metrics?.llmCostUsd.inc({ model }, (answer.promptTokens * prices.inputPerMillion + answer.completionTokens * prices.outputPerMillion) / 1_000_000);
      const parsed = parseJsonAnswer(answer.content, request.schema);
      if (parsed.ok) return finish({ ok: true, value: parsed.value, usage, model });
      problems = parsed.problems;
      messages.push(
        { role: 'assistant', content: answer.content },
        {
          role: 'user',
          content: `Your answer is not valid:\n${problems}\nAnswer again with only the corrected JSON object, no prose and no code fences.`,
        },
      );
    }
    return finish({ ok: false, reason: 'invalid', detail: truncate(problems, 1000), usage, model });
  }

  return { model, completeJson, status };
}

function createBreaker<R>(settings: LlmSettings['breaker'], onChange: (state: LlmBreakerState) => void): CircuitBreaker<[() => Promise<R>], R> {
  // opossum runs each call and owns open -> half-open (one trial call) -> closed; it opens here after
  // `failureThreshold` consecutive failures (its percentage rule is switched off with volumeThreshold).
  const breaker = new CircuitBreaker((run: () => Promise<R>) => run(), {
    timeout: false,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: Number.MAX_SAFE_INTEGER,
    errorFilter: (error: unknown) => error instanceof CallFailure && !error.counts,
  });
  let consecutive = 0;
  breaker.on('success', (result: unknown) => {
    // A filtered error (the caller aborted) also arrives here: it neither counts nor clears the run of failures.
    if (!(result instanceof CallFailure)) consecutive = 0;
  });
  breaker.on('failure', () => {
    consecutive += 1;
    if (consecutive >= settings.failureThreshold && breaker.closed) breaker.open();
  });
  breaker.on('open', () => onChange('open'));
  breaker.on('halfOpen', () => onChange('half_open'));
  breaker.on('close', () => {
    consecutive = 0;
    onChange('closed');
  });
  return breaker;
}

/** A 400/422 that names `response_format`: the server does not do JSON mode. */
function refusesJsonMode(error: unknown): boolean {
  return error instanceof APIError && (error.status === 400 || error.status === 422) && /response_format|json_object/i.test(error.message);
}

const truncate = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Parses a model answer as JSON (tolerating ```json fences and prose around one object) and validates it.
 * `problems` lists the zod issues (path: message) or the JSON syntax error, to send back to the model.
 */
export function parseJsonAnswer<T>(content: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; problems: string } {
  const text = unfence(content);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: `- the answer is not valid JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => `- ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  return { ok: false, problems: problems.slice(0, 30).join('\n') };
}

function unfence(content: string): string {
  const trimmed = content.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  if (fenced?.[1] !== undefined) return fenced[1].trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed;
  // Prose around one JSON object: take the outermost braces.
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}
