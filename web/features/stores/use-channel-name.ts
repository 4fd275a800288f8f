import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { connectorsQuery } from './stores-api.ts';

/** A channel's display name ("Mercado Livre") from the connector registry (GET /api/connectors); the id until it loads. */
export function useChannelName(): (platform: string) => string {
  const connectors = useQuery(connectorsQuery).data?.connectors;
  return useCallback((platform: string) => connectors?.find((c) => c.id === platform)?.name ?? platform, [connectors]);
}
