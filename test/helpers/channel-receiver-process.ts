/**
 * The loopback receiver as its own process, so the arrival timestamps are not delayed by whatever blocks
 * the test process's event loop (an embedded PGlite runs its queries on that loop). Prints `listening <url>`;
 * on `dump` (stdin) prints `received <json array of arrival times, epoch ms>` and exits.
 */
import { createInterface } from 'node:readline';
import { startChannelReceiver } from './channel-receiver.ts';

const path = process.argv[2] ?? '/hammer';
const receiver = await startChannelReceiver();
console.log(`listening ${receiver.url}`);
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() !== 'dump') return;
  console.log(`received ${JSON.stringify(receiver.received.filter((r) => r.path === path).map((r) => r.at))}`);
  await receiver.close();
  process.exit(0);
});
