export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

/** A minimal SSE reader over fetch, for tests: collects frames until closed. */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const frames: SseFrame[] = [];
  let buffer = '';
  const decoder = new TextDecoder();
  const reading = (async () => {
    if (!res.body) return;
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: SseFrame = {};
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const [field, ...rest] = line.split(':');
              const value = rest.join(':').replace(/^ /, '');
              if (field === 'id') frame.id = value;
              if (field === 'event') frame.event = value;
              if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
              if (field === 'retry') frame.retry = Number(value);
            }
          }
          frames.push(frame);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted or closed by the server
    }
  })();
  return {
    res,
    frames,
    closed: reading,
    async waitFor(predicate: (frames: SseFrame[]) => boolean, timeoutMs = 10_000): Promise<SseFrame[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(frames)) {
        if (Date.now() > deadline) throw new Error(`SSE condition not met; frames: ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return frames;
    },
    close() {
      controller.abort();
    },
  };
}
