import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LlmPrompt } from './llm.types.ts';

const cache = new Map<string, LlmPrompt>();

/**
 * Reads a versioned prompt file into an LlmPrompt: `id` is the file name without `.md`/`.txt` (it must end in a
 * version such as `.v1`, so a changed prompt gets a new file and results stay traceable to the text that made them),
 * `system` is the file's content. Usage, next to the module that owns the prompt:
 *
 *   const prompt = loadPrompt(new URL('./prompts/agent-tasks.v1.md', import.meta.url));
 *
 * Synchronous and cached per file; throws at load for a missing file or a name without a version (a programming error).
 */
export function loadPrompt(file: URL | string): LlmPrompt {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  const cached = cache.get(path);
  if (cached) return cached;
  const id = basename(path).replace(/\.(md|txt)$/i, '');
  if (!/\.v\d+$/.test(id)) throw new Error(`prompt file ${path}: name it <name>.v<version>.md (e.g. agent-tasks.v1.md)`);
  const system = readFileSync(path, 'utf8').trim();
  if (system === '') throw new Error(`prompt file ${path} is empty`);
  const prompt = { id, system };
  cache.set(path, prompt);
  return prompt;
}
