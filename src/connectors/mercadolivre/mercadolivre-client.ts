import { ConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import { toListings } from './mappers.ts';
import type { MercadoLivreConfig, MercadoLivreCredentials } from './mercadolivre-schemas.ts';
import { catalogMethods } from './ml-catalog.ts';
import { orderMethods } from './ml-orders.ts';
import { createMlSession } from './ml-session.ts';
import { mlNotificationTopics } from './notifications.ts';

/** The Mercado Livre connector's client for one seller (see docs/connectors.md). */
export function createMercadoLivreClient(context: ConnectorContext<MercadoLivreCredentials, MercadoLivreConfig>): ConnectorClient {
  const session = createMlSession(context);
  return {
    async testConnection() {
      const me = await session.user();
      return { externalId: String(me.id), name: me.nickname, currency: session.currency() };
    },
    listingsOf: toListings,
    ...catalogMethods(session),
    ...orderMethods(session),
    /**
     * ML has no per-seller subscription API: the callback URL and topics belong to the application
     * (DevCenter). This checks the topics exist and reports them as application-level subscriptions.
     */
    async subscribeWebhooks(_callbackUrl: string, topics: string[]) {
      const unknown = topics.filter((t) => !(mlNotificationTopics as readonly string[]).includes(t));
      if (unknown.length > 0) throw new ConnectorError(`Mercado Livre has no notification topic ${unknown.join(', ')}`, { kind: 'rejected' });
      return topics.map((topic) => ({ topic, id: `application:${topic}` }));
    },
  };
}
