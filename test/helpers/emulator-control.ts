import type { ContractStore } from '../../src/connectors/sdk/contract-suite.ts';

/** Calls the emulator's control plane (`/_emulator/…`) over HTTP, as a test outside the process would. */
export function emulatorControl(url: string) {
  return async (path: string, method = 'GET', body?: unknown) => {
    const response = await fetch(`${url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
}

/** The contract suite's view of one emulated shop (faults, stats, counts, new orders), through the control plane. */
export function controlledShop(control: ReturnType<typeof emulatorControl>, shop: string): Omit<ContractStore, 'connect'> {
  const path = `/shops/${encodeURIComponent(shop)}`;
  return {
    setFaults: async (faults) => void (await control(`${path}/faults`, 'POST', faults)),
    clearFaults: async () => void (await control(`${path}/faults`, 'DELETE')),
    stats: async () => (await control(path)).stats,
    counts: async () => {
      const summary = await control(path);
      return { products: summary.products, orders: summary.orders };
    },
    generateOrders: async (count) => (await control(`${path}/orders`, 'POST', { count })).created,
  };
}
