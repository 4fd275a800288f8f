/** Channel connectors as the rest of Nexo sees them: the capability matrix (stores and sync build on the registry later). */
export { listConnectors } from './connectors.service.ts';
