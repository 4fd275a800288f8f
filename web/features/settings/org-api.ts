import { queryOptions } from '@tanstack/react-query';
import { type OrgSettings, orgSchema } from '../../../src/contracts/identity.ts';
import { request } from '../../api/index.ts';

export interface OrgUpdate {
  name?: string;
  settings?: Partial<OrgSettings>;
}

export const orgQuery = queryOptions({
  queryKey: ['org'],
  queryFn: ({ signal }) => request('/api/org', { schema: orgSchema, signal }),
});

export const updateOrg = (update: OrgUpdate) => request('/api/org', { method: 'PATCH', body: update, schema: orgSchema });

/** Every IANA time zone this browser knows, with the current value first if it is not among them. */
export function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  return zones.includes(current) ? zones : [current, ...zones];
}
