import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { deleteItem, type ListingsContext, patchBodySchema, patchItem, putBodySchema, putItem, spError } from './amazon-listings.ts';
import { type AmazonFeed, amazonStateOf } from './amazon-state.ts';

/**
 * Feeds API 2021-06-30 with `JSON_LISTINGS_FEED`: createFeedDocument answers a presigned upload URL
 * (served by the emulator as its "S3"), createFeed queues the uploaded document, the feed stays
 * IN_QUEUE / IN_PROGRESS for `feedDelayMs` and then is processed message by message (UPDATE = put,
 * PATCH, DELETE) into a JSON processing report (`header`, `issues` per messageId, `summary`).
 */
const signature = (secret: string, documentId: string) => createHmac('sha256', secret).update(documentId).digest('hex').slice(0, 32);

export function presignedUrl(baseUrl: string, shopKey: string, secret: string, documentId: string): string {
  return `${baseUrl}/amazon/${encodeURIComponent(shopKey)}/_s3/${documentId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${signature(secret, documentId)}`;
}

export function createDocument(context: ListingsContext, baseUrl: string, body: unknown): EmuResponse {
  const parsed = z.object({ contentType: z.string().min(1) }).safeParse(body);
  if (!parsed.success) return spError(400, 'InvalidInput', 'contentType is required');
  const id = `amzn1.tortuga.4.na.${context.state.nextNumber().toString(16).padStart(12, '0')}`;
  context.state.documents.set(id, { contentType: parsed.data.contentType, content: null, uploadedAt: null });
  return { status: 201, body: { feedDocumentId: id, url: presignedUrl(baseUrl, context.shop.shop, context.state.clientSecret, id) } };
}

/** The emulator's S3: PUT uploads an input document, GET downloads a result document; the URL's signature is checked. */
export function s3(context: ListingsContext, method: string, documentId: string, query: URLSearchParams, body: Buffer): EmuResponse {
  const document = context.state.documents.get(documentId);
  if (!document || query.get('X-Amz-Signature') !== signature(context.state.clientSecret, documentId))
    return { status: 403, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>SignatureDoesNotMatch</Code></Error>' };
  if (method === 'PUT') {
    document.content = body;
    document.uploadedAt = context.now.getTime();
    return { status: 200, body: '' };
  }
  if (method === 'GET' && document.content) return { status: 200, headers: { 'content-type': document.contentType }, body: document.content.toString('utf8') };
  return { status: 404, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>NoSuchKey</Code></Error>' };
}

const createFeedSchema = z.object({
  feedType: z.string().min(1),
  marketplaceIds: z.array(z.string()).min(1),
  inputFeedDocumentId: z.string().min(1),
  feedOptions: z.record(z.string(), z.string()).optional(),
});

export function createFeed(context: ListingsContext, body: unknown): EmuResponse {
  const parsed = createFeedSchema.safeParse(body);
  if (!parsed.success) return spError(400, 'InvalidInput', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { feedType, marketplaceIds, inputFeedDocumentId } = parsed.data;
  if (feedType !== 'JSON_LISTINGS_FEED') return spError(400, 'InvalidInput', `Feed type ${feedType} is not supported by this emulator`);
  if (!marketplaceIds.includes(context.state.marketplaceId)) return spError(400, 'InvalidInput', `Invalid marketplaceIds: ${marketplaceIds.join(',')}`);
  if (!context.state.documents.get(inputFeedDocumentId)?.content) return spError(400, 'InvalidInput', 'The input feed document was not uploaded');
  const feedId = String(50_000_000_000 + context.state.nextNumber());
  const now = context.now.getTime();
  context.state.feeds.set(feedId, {
    feedId,
    feedType,
    marketplaceIds,
    inputFeedDocumentId,
    processingStatus: 'IN_QUEUE',
    createdTime: context.now.toISOString(),
    readyAt: now + context.state.feedDelayMs,
  });
  return { status: 202, body: { feedId } };
}

const feedSchema = z.object({
  header: z.object({ sellerId: z.string(), version: z.literal('2.0'), issueLocale: z.string().optional() }),
  messages: z
    .array(z.object({ messageId: z.number().int(), sku: z.string().min(1), operationType: z.string(), productType: z.string().optional() }).passthrough())
    .max(10_000),
});

function processFeed(context: ListingsContext, feed: AmazonFeed): void {
  const state = amazonStateOf(context.shop);
  const input = state.documents.get(feed.inputFeedDocumentId)?.content?.toString('utf8') ?? '';
  const issues: Array<Record<string, unknown>> = [];
  let processed = 0;
  let accepted = 0;
  let invalid = 0;
  let parsed: z.infer<typeof feedSchema> | null = null;
  try {
    const result = feedSchema.safeParse(JSON.parse(input));
    parsed = result.success ? result.data : null;
    if (!result.success)
      issues.push({
        messageId: 0,
        code: '100001',
        severity: 'ERROR',
        message: `The feed does not match the JSON_LISTINGS_FEED schema: ${result.error.issues[0]?.message}`,
      });
  } catch {
    issues.push({ messageId: 0, code: '100001', severity: 'ERROR', message: 'The feed is not valid JSON' });
  }
  if (parsed && parsed.header.sellerId !== state.sellerId) {
    issues.push({ messageId: 0, code: '100002', severity: 'ERROR', message: `The sellerId ${parsed.header.sellerId} does not match the feed's submitter` });
    parsed = null;
  }
  for (const message of parsed?.messages ?? []) {
    processed++;
    const body = { ...message, productType: message.productType ?? 'PRODUCT' };
    let result: { status: string; issues: Array<{ code: string; message: string; severity: string; attributeNames?: string[] }> };
    if (message.operationType === 'UPDATE') {
      const put = putBodySchema.safeParse(body);
      result = put.success
        ? putItem(context, message.sku, put.data)
        : { status: 'INVALID', issues: [{ code: '4000001', message: 'attributes are required', severity: 'ERROR' }] };
    } else if (message.operationType === 'PATCH') {
      const patch = patchBodySchema.safeParse(body);
      result = patch.success
        ? patchItem(context, message.sku, patch.data)
        : { status: 'INVALID', issues: [{ code: '4000001', message: 'patches are not valid', severity: 'ERROR' }] };
    } else if (message.operationType === 'DELETE') {
      const answer = deleteItem(context, message.sku);
      result =
        answer.status === 200
          ? { status: 'ACCEPTED', issues: [] }
          : { status: 'INVALID', issues: [{ code: '8541', message: `SKU ${message.sku} not found`, severity: 'ERROR' }] };
    } else result = { status: 'INVALID', issues: [{ code: '4000002', message: `Unknown operationType ${message.operationType}`, severity: 'ERROR' }] };
    if (result.status === 'ACCEPTED') accepted++;
    else invalid++;
    for (const issue of result.issues)
      issues.push({
        messageId: message.messageId,
        code: issue.code,
        severity: issue.severity,
        message: issue.message,
        ...(issue.attributeNames?.[0] ? { attributeName: issue.attributeNames[0] } : {}),
      });
  }
  const reportId = `amzn1.tortuga.4.na.${state.nextNumber().toString(16).padStart(12, '0')}`;
  const report = {
    header: { sellerId: state.sellerId, version: '2.0', feedId: feed.feedId },
    issues,
    summary: {
      errors: issues.filter((i) => i.severity === 'ERROR').length,
      warnings: issues.filter((i) => i.severity === 'WARNING').length,
      messagesProcessed: processed,
      messagesAccepted: accepted,
      messagesInvalid: invalid,
    },
  };
  state.documents.set(reportId, { contentType: 'application/json', content: Buffer.from(JSON.stringify(report)), uploadedAt: context.now.getTime() });
  feed.processingStatus = parsed ? 'DONE' : 'FATAL';
  feed.processingEndTime = context.now.toISOString();
  feed.resultFeedDocumentId = reportId;
}

/** getFeed: processes the feed once its delay has passed (IN_QUEUE → IN_PROGRESS half way → DONE / FATAL). */
export function getFeed(context: ListingsContext, feedId: string): EmuResponse {
  const feed = context.state.feeds.get(feedId);
  if (!feed) return spError(404, 'NotFound', `Feed ${feedId} not found`);
  const now = context.now.getTime();
  if (feed.processingStatus === 'IN_QUEUE' || feed.processingStatus === 'IN_PROGRESS') {
    if (now >= feed.readyAt) processFeed(context, feed);
    else if (now >= feed.readyAt - context.state.feedDelayMs / 2 && feed.processingStatus === 'IN_QUEUE') {
      feed.processingStatus = 'IN_PROGRESS';
      feed.processingStartTime = context.now.toISOString();
    }
  }
  const { readyAt: _readyAt, ...rendered } = feed;
  return { status: 200, body: rendered };
}

export function getFeedDocument(context: ListingsContext, baseUrl: string, documentId: string): EmuResponse {
  const document = context.state.documents.get(documentId);
  if (!document?.content) return spError(404, 'NotFound', `Feed document ${documentId} not found`);
  return { status: 200, body: { feedDocumentId: documentId, url: presignedUrl(baseUrl, context.shop.shop, context.state.clientSecret, documentId) } };
}
