import { queryOptions } from '@tanstack/react-query';
import type { AgentId } from '../../../src/contracts/agents.ts';
import { type ApiToken, createTokenResponseSchema, tokensResponseSchema } from '../../../src/contracts/identity.ts';
import { noContent, request } from '../../api/index.ts';

export type TokenKind = ApiToken['kind'];

export interface CreateTokenInput {
  kind: TokenKind;
  name: string;
  agentId?: AgentId;
  scopes: string[];
  expiresInDays?: number;
}

export const tokensQuery = queryOptions({
  queryKey: ['tokens'],
  queryFn: ({ signal }) => request('/api/tokens', { schema: tokensResponseSchema, signal }),
});

export const createToken = (input: CreateTokenInput) => request('/api/tokens', { method: 'POST', body: input, schema: createTokenResponseSchema });
export const revokeToken = (id: string) => request(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE', schema: noContent });

export type TokenStatus = 'active' | 'revoked' | 'expired';

export function tokenStatus(token: Pick<ApiToken, 'revokedAt' | 'expiresAt'>, now = Date.now()): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

/** Agent names are brand names: the same in every language. */
export const agentNames: Record<AgentId, string> = {
  'marketplace-master': 'Nexo (master)',
  'marketplace-amazon': 'Amazon',
  'marketplace-shopee': 'Shopee',
  'marketplace-mercadolivre': 'Mercado Livre',
  'marketplace-shein': 'SHEIN',
  'marketplace-tiktokshop': 'TikTok Shop',
  'marketplace-kaway': 'Kaway',
};

export const agentName = (id: string): string => (agentNames as Record<string, string>)[id] ?? id;

export const expiryChoices = [null, 7, 30, 90, 365] as const;
