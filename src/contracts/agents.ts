import { z } from 'zod';

/** Marketplace agents (seed 000): the master orchestrator "Nexo" and one agent per channel. */
export const agentIds = [
  'marketplace-master',
  'marketplace-amazon',
  'marketplace-shopee',
  'marketplace-mercadolivre',
  'marketplace-shein',
  'marketplace-tiktokshop',
  'marketplace-kaway',
] as const;
export const agentIdSchema = z.enum(agentIds);
export type AgentId = z.infer<typeof agentIdSchema>;

/** Seed 001's environment variables: MARKETPLACE_<AGENT>_TOKEN -> agent id. */
export const agentEnvTokenVariables: Record<string, AgentId> = {
  MARKETPLACE_MASTER_TOKEN: 'marketplace-master',
  MARKETPLACE_AMAZON_TOKEN: 'marketplace-amazon',
  MARKETPLACE_SHOPEE_TOKEN: 'marketplace-shopee',
  MARKETPLACE_MERCADOLIVRE_TOKEN: 'marketplace-mercadolivre',
  MARKETPLACE_SHEIN_TOKEN: 'marketplace-shein',
  MARKETPLACE_TIKTOKSHOP_TOKEN: 'marketplace-tiktokshop',
  MARKETPLACE_KAWAY_TOKEN: 'marketplace-kaway',
};
