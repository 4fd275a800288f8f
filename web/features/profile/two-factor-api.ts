import { recoveryCodesResponseSchema, twoFactorSetupResponseSchema } from '../../../src/contracts/identity.ts';
import { noContent, request } from '../../api/index.ts';

export const startTwoFactorSetup = () => request('/api/auth/2fa/setup', { method: 'POST', schema: twoFactorSetupResponseSchema });
export const enableTwoFactor = (code: string) => request('/api/auth/2fa/enable', { method: 'POST', body: { code }, schema: recoveryCodesResponseSchema });
export const disableTwoFactor = (password: string, code: string) =>
  request('/api/auth/2fa/disable', { method: 'POST', body: { password, code }, schema: noContent });
export const regenerateRecoveryCodes = (code: string) =>
  request('/api/auth/2fa/recovery-codes', { method: 'POST', body: { code }, schema: recoveryCodesResponseSchema });

/** The QR code SVG from the server as an <img> source (never injected as markup). */
export const svgDataUri = (svg: string) => `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;

/** The base32 secret in groups of four, easier to type into an authenticator app. */
export const groupSecret = (secret: string) => secret.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
