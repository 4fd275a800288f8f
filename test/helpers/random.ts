import { randomBytes } from 'node:crypto';

export const randomSuffix = () => randomBytes(6).toString('hex');
