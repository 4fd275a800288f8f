import { ConnectorError } from '../sdk/connector-error.ts';
import { createHttpClient } from '../sdk/http.ts';
import type { AmazonSession } from './amazon-session.ts';

/**
 * Bulk listings changes through the Feeds API 2021-06-30 and `JSON_LISTINGS_FEED`: createFeedDocument
 * (a presigned upload URL), PUT the JSON to it, createFeed, poll getFeed until DONE / FATAL / CANCELLED,
 * then getFeedDocument and download the processing report (`issues` per messageId + `summary`).
 */
export type FeedMessage =
  | { sku: string; operationType: 'PATCH'; productType: string; patches: Array<{ op: 'replace' | 'delete' | 'add'; path: string; value?: unknown[] }> }
  | { sku: string; operationType: 'UPDATE'; productType: string; attributes: Record<string, unknown[]> }
  | { sku: string; operationType: 'DELETE' };

export interface ProcessingReport {
  header?: { sellerId: string; version: string; feedId: string };
  issues: Array<{ messageId: number; code: string; severity: 'ERROR' | 'WARNING' | 'INFO'; message: string; attributeName?: string }>;
  summary: { errors: number; warnings: number; messagesProcessed: number; messagesAccepted: number; messagesInvalid: number };
}

export interface FeedOutcome {
  feedId: string;
  report: ProcessingReport;
  /** SKUs whose message had an ERROR issue, with the messages. */
  rejected: Map<string, string[]>;
}

const CONTENT_TYPE = 'application/json; charset=UTF-8';
/** Amazon's cap per JSON_LISTINGS_FEED document is 10,000 messages (and 100 MB). */
export const FEED_MAX_MESSAGES = 10_000;

async function transfer(session: AmazonSession, method: 'PUT' | 'GET', url: string, body?: string): Promise<string> {
  // Presigned S3 URLs: no SP-API headers, the signature is in the query.
  const target = new URL(url);
  const http = createHttpClient({
    baseUrl: target.origin,
    channel: 'Amazon feed storage',
    fetch: session.context.fetch,
    signal: session.context.signal,
    timeoutMs: 120_000,
  });
  const answer = await http.request<string>({
    method,
    path: `${target.pathname}${target.search}`,
    ...(body === undefined ? {} : { body, headers: { 'content-type': CONTENT_TYPE } }),
  });
  return typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
}

export async function submitListingsFeed(
  session: AmazonSession,
  messages: FeedMessage[],
  options: { pollIntervalMs?: number; timeoutMs?: number } = {},
): Promise<FeedOutcome> {
  if (messages.length === 0 || messages.length > FEED_MAX_MESSAGES)
    throw new ConnectorError(`A listings feed carries 1 to ${FEED_MAX_MESSAGES} messages`, { kind: 'rejected' });
  const { config } = session;
  const document = await session.request<{ feedDocumentId: string; url: string }>('createFeedDocument', {
    method: 'POST',
    path: '/feeds/2021-06-30/documents',
    body: { contentType: CONTENT_TYPE },
    idempotent: true,
  });
  const content = JSON.stringify({
    header: { sellerId: config.sellerId, version: '2.0', issueLocale: 'en_US' },
    messages: messages.map((message, i) => ({ messageId: i + 1, ...message })),
  });
  await transfer(session, 'PUT', document.url, content);
  const { feedId } = await session.request<{ feedId: string }>('createFeed', {
    method: 'POST',
    path: '/feeds/2021-06-30/feeds',
    body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [config.marketplaceId], inputFeedDocumentId: document.feedDocumentId },
    // A repeated createFeed after a lost answer only applies the same absolute values twice.
    idempotent: true,
  });
  const pollInterval = options.pollIntervalMs ?? config.feedPollIntervalMs;
  const deadline = session.now() + (options.timeoutMs ?? config.feedTimeoutMs);
  let feed: { processingStatus: string; resultFeedDocumentId?: string };
  for (;;) {
    feed = await session.request('getFeed', { path: `/feeds/2021-06-30/feeds/${encodeURIComponent(feedId)}`, idempotent: true });
    if (['DONE', 'FATAL', 'CANCELLED'].includes(feed.processingStatus)) break;
    if (session.now() > deadline) throw new ConnectorError(`Amazon feed ${feedId} still ${feed.processingStatus} after the timeout`, { kind: 'upstream' });
    await session.wait(pollInterval, session.context.signal);
  }
  if (feed.processingStatus === 'CANCELLED') throw new ConnectorError(`Amazon cancelled feed ${feedId}`, { kind: 'upstream' });
  if (!feed.resultFeedDocumentId)
    throw new ConnectorError(`Amazon feed ${feedId} is ${feed.processingStatus} without a processing report`, { kind: 'protocol' });
  const result = await session.request<{ url: string; compressionAlgorithm?: string }>('getFeedDocument', {
    path: `/feeds/2021-06-30/documents/${encodeURIComponent(feed.resultFeedDocumentId)}`,
    idempotent: true,
  });
  if (result.compressionAlgorithm)
    throw new ConnectorError(`Compressed processing reports (${result.compressionAlgorithm}) are not supported`, { kind: 'protocol' });
  const report = parseReport(await transfer(session, 'GET', result.url));
  if (feed.processingStatus === 'FATAL')
    throw new ConnectorError(`Amazon refused feed ${feedId}: ${report.issues.map((i) => i.message).join('; ')}`, {
      kind: 'rejected',
      details: { feedId, issues: report.issues },
    });
  const rejected = new Map<string, string[]>();
  for (const issue of report.issues) {
    const message = messages[issue.messageId - 1];
    if (issue.severity !== 'ERROR' || !message) continue;
    rejected.set(message.sku, [...(rejected.get(message.sku) ?? []), `${issue.code}: ${issue.message}`]);
  }
  return { feedId, report, rejected };
}

export function parseReport(text: string): ProcessingReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConnectorError('The feed processing report is not JSON', { kind: 'protocol' });
  }
  const report = parsed as Partial<ProcessingReport>;
  if (!report || !Array.isArray(report.issues) || typeof report.summary !== 'object')
    throw new ConnectorError('The feed processing report has no issues / summary', { kind: 'protocol' });
  return report as ProcessingReport;
}
