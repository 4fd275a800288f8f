import { ConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import { toListings } from './mappers.ts';
import type { TikTokShopConfig, TikTokShopCredentials } from './tiktokshop-schemas.ts';
import { catalogMethods } from './tts-catalog.ts';
import { orderMethods } from './tts-orders.ts';
import { createTtsSession } from './tts-session.ts';
import { ttsEventTypes } from './webhooks.ts';

/** Currency of each TikTok Shop region (the shops endpoint gives the region, not the currency). */
const regionCurrencies: Record<string, string> = {
  US: 'USD',
  GB: 'GBP',
  BR: 'BRL',
  MX: 'MXN',
  ID: 'IDR',
  MY: 'MYR',
  TH: 'THB',
  VN: 'VND',
  PH: 'PHP',
  SG: 'SGD',
  JP: 'JPY',
  ES: 'EUR',
  FR: 'EUR',
  DE: 'EUR',
  IT: 'EUR',
  IE: 'EUR',
};

/** The TikTok Shop connector's client for one shop (see docs/connectors.md). */
export function createTikTokShopClient(context: ConnectorContext<TikTokShopCredentials, TikTokShopConfig>): ConnectorClient {
  const session = createTtsSession(context);
  return {
    async testConnection() {
      const shop = await session.shop();
      return { externalId: shop.id, name: shop.name, currency: context.config.currency ?? regionCurrencies[shop.region] ?? 'USD' };
    },
    listingsOf: toListings,
    ...catalogMethods(session),
    ...orderMethods(session),
    /** `PUT /event/202309/webhooks` once per event type (the address is per shop and type). */
    async subscribeWebhooks(callbackUrl: string, topics: string[]) {
      const unknown = topics.filter((t) => !(ttsEventTypes as readonly string[]).includes(t));
      if (unknown.length > 0) throw new ConnectorError(`TikTok Shop has no webhook event type ${unknown.join(', ')}`, { kind: 'rejected' });
      for (const event_type of topics)
        await session.request({ method: 'PUT', path: '/event/202309/webhooks', body: { address: callbackUrl, event_type }, shop: true, idempotent: true });
      return topics.map((topic) => ({ topic, id: topic }));
    },
  };
}
