#!/usr/bin/env node
// Nexo runs its TypeScript sources directly: Node >= 22.18 strips types natively; older 22.x
// (>= 22.12) fall back to tsx. Node's type-stripping ExperimentalWarning is not useful to operators.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`nexo: Node.js >= 22.12 is required (this is ${process.version}). Nexo targets Node 24 LTS.\n`);
  process.exit(2);
}
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...args) => {
  const type = typeof args[0] === 'string' ? args[0] : args[0]?.type;
  if (type === 'ExperimentalWarning' && String(warning).includes('Type Stripping')) return;
  return emitWarning.call(process, warning, ...args);
};
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import('../src/main/cli.ts');
