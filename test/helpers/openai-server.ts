import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OpenAI-compatible server for tests of LLM mode (a real HTTP server on 127.0.0.1, no mocks).
 *
 *   const llm = await startOpenAiServer({ key: 'sk-test' });           // options: key, models, jsonMode
 *   const client = createLlmClient({ baseUrl: llm.url, model: 'test-model', apiKey: 'sk-test', timeoutMs: 500,
 *     prices: { inputPerMillion: 0, outputPerMillion: 0 }, breaker: { failureThreshold: 3, resetTimeoutMs: 200 } });
 *   llm.script({ json: { tasks: [] } }, { content: 'not json' }, { status: 500 }, { delayMs: 2000, json: {} });
 *   ... run the code under test ...
 *   llm.requests[0].body.messages;                                     // what was sent
 *   await llm.close();
 *
 * - `url` is the base URL to configure (NEXO_LLM_BASE_URL), ending in `/v1`.
 * - POST /v1/chat/completions answers the next scripted answer (FIFO); when the script is empty it asks
 *   `respond(request)` if set, else answers 500 `no scripted answer left`. GET /v1/models lists `models`.
 * - Every request needs `Authorization: Bearer <key>` (when `key` is given): otherwise 401 in OpenAI's error shape,
 *   without consuming a scripted answer.
 * - `jsonMode: false` makes the server refuse `response_format` with 400 (like some local servers).
 * - A ScriptedAnswer is one of:
 *   `{ json }` a good answer: the value serialized as the message content;
 *   `{ content }` raw message content (malformed JSON, ```json fences, prose);
 *   `{ status, error? }` an error status (500, 429, 400...) with OpenAI's `{ error: { message, type } }` body;
 *   any of these with `delayMs` to answer late (a slow model; the response is dropped if the client gave up),
 *   and with `usage: { prompt_tokens, completion_tokens }` (default 10 / 5 for answers, none for errors).
 * - `requests` records every request (method, path, headers, parsed body, the status answered), in order.
 * - `waitForRequests(n)` resolves when n requests have arrived.
 */

export interface ScriptedAnswer {
  json?: unknown;
  content?: string;
  status?: number;
  error?: string;
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface OpenAiRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (chat completions: { model, messages, response_format, ... }); null when none. */
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    response_format?: { type: string };
    [key: string]: unknown;
  } | null;
  /** The status this server answered (0 when the client went away before the answer). */
  status: number;
}

export interface OpenAiServer {
  /** Base URL for NEXO_LLM_BASE_URL, e.g. http://127.0.0.1:41234/v1. */
  url: string;
  requests: OpenAiRequest[];
  /** Appends answers for the next chat completions, in order. */
  script(...answers: ScriptedAnswer[]): void;
  /** Answers chat completions once the script is empty (e.g. by the prompt in request.body.messages[0]). */
  respond(handler: ((request: OpenAiRequest) => ScriptedAnswer) | null): void;
  /** Scripted answers not used yet. */
  pending(): number;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenAiServerOptions {
  /** The API key expected as `Authorization: Bearer <key>`; omitted = no check (like Ollama). */
  key?: string;
  /** Listed by GET /v1/models (default ['test-model']). */
  models?: string[];
  /** false: refuse `response_format` with 400. Default true. */
  jsonMode?: boolean;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const errorBody = (message: string, type: string) => ({ error: { message, type, param: null, code: null } });

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const requests: OpenAiRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  let handler: ((request: OpenAiRequest) => ScriptedAnswer) | null = null;
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const models = options.models ?? ['test-model'];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: OpenAiRequest['body'] = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = null;
      }
      const record: OpenAiRequest = { method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', headers: req.headers, body, status: 0 };
      requests.push(record);
      for (const w of waiters) w();
      const answer = (status: number, payload: unknown) => {
        record.status = res.destroyed ? 0 : status;
        send(res, status, payload);
      };

      if (options.key !== undefined && req.headers.authorization !== `Bearer ${options.key}`) {
        return answer(401, errorBody('Incorrect API key provided.', 'invalid_request_error'));
      }
      if (record.method === 'GET' && record.path === '/v1/models') {
        return answer(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'nexo-test' })) });
      }
      if (record.method !== 'POST' || record.path !== '/v1/chat/completions')
        return answer(404, errorBody(`no route ${record.method} ${record.path}`, 'not_found'));
      if (!body || !Array.isArray(body.messages)) return answer(400, errorBody('messages is required', 'invalid_request_error'));
      if (options.jsonMode === false && body.response_format) {
        return answer(400, errorBody("Invalid parameter: 'response_format' is not supported by this model.", 'invalid_request_error'));
      }

      const scripted = queue.shift() ?? handler?.(record) ?? { status: 500, error: 'no scripted answer left' };
      const reply = () => {
        if (scripted.status !== undefined && scripted.status >= 400) {
          return answer(
            scripted.status,
            errorBody(scripted.error ?? `scripted failure ${scripted.status}`, scripted.status >= 500 ? 'server_error' : 'invalid_request_error'),
          );
        }
        const content = scripted.content ?? JSON.stringify(scripted.json ?? {});
        const usage = scripted.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
        answer(scripted.status ?? 200, {
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body?.model ?? models[0],
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
      };
      if (!scripted.delayMs) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, scripted.delayMs);
      timers.add(timer);
      res.on('close', () => {
        if (!res.writableEnded) {
          clearTimeout(timer);
          timers.delete(timer);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => {
      queue.push(...answers);
    },
    respond: (h) => {
      handler = h;
    },
    pending: () => queue.length,
    waitForRequests: (count, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (requests.length >= count) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} requests to the OpenAI server, got ${requests.length}`));
        }, timeoutMs);
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
