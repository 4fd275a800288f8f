import type { EmuShop } from './shop-state.ts';

/** One HTTP POST of a notification; `body` may change per attempt (Mercado Livre counts `attempts` in it). */
export interface OutboundDelivery {
  url: string;
  headers: Record<string, string>;
  body: string | ((attempt: number) => string);
}

const ATTEMPTS = 3;

/**
 * What every emulated channel's notifications share: events are batched for a few ms per shop so that the
 * out-of-order fault (reverse the batch) and the duplicate fault (send an item twice) can act on them; each
 * delivery is tried 3 times with a short backoff, and the shop's stats count what was sent and what failed.
 */
export function createNotificationOutbox<Item extends { shop: EmuShop }>(options: {
  batchMs?: number;
  timeoutMs: number;
  deliveries: (item: Item) => OutboundDelivery[];
  /** Called when a delivery still failed after its last attempt. */
  onUndelivered?: (item: Item) => void;
}) {
  const pending: Item[] = [];
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  async function post(item: Item, delivery: OutboundDelivery): Promise<boolean> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...delivery.headers },
          body: typeof delivery.body === 'string' ? delivery.body : delivery.body(attempt),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await response.arrayBuffer();
        if (response.ok) {
          item.shop.stats.webhooksSent++;
          return true;
        }
      } catch {}
      item.shop.stats.webhookFailures++;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
    return false;
  }

  async function deliver(item: Item): Promise<void> {
    for (const delivery of options.deliveries(item)) {
      if (!(await post(item, delivery))) options.onUndelivered?.(item);
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const work: Item[] = [];
    for (const [shop, items] of Map.groupBy(pending.splice(0), (item) => item.shop)) {
      for (const item of shop.faults.outOfOrderWebhooks ? items.reverse() : items) {
        work.push(item);
        if (shop.faults.duplicateWebhookRate > 0 && shop.random.chance(shop.faults.duplicateWebhookRate)) work.push(item);
      }
    }
    const run = (async () => {
      for (const item of work) await deliver(item);
    })();
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  }

  return {
    push(item: Item): void {
      pending.push(item);
      timer ??= setTimeout(() => void flush(), options.batchMs ?? 20);
    },
    /** Delivers everything queued now and waits for all deliveries in flight. */
    async drain(): Promise<void> {
      await flush();
      await Promise.all([...inFlight]);
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.length = 0;
    },
  };
}
