/** LLM mode (docs/llm.md): the client, its contract and the prompt loader. */
export { createLlmClient, type LlmClientOptions, type LlmSettings, type NexoLlmClient, parseJsonAnswer } from './llm.client.ts';
export type { LlmBreakerState, LlmClient, LlmFailure, LlmJsonRequest, LlmJsonResult, LlmPrompt, LlmStatus, LlmUsage } from './llm.types.ts';
export { loadPrompt } from './prompt.ts';
