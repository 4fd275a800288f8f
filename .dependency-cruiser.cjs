/**
 * The layer rule of DESIGN.md, enforced by `npm run lint`:
 * main -> http | jobs -> modules/<m>/index.ts -> db | queue | events | connectors/registry -> lib | contracts | config.
 */
const infra = '^src/(db|queue|events|lib|config\\.ts)';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'nothing-imports-main', severity: 'error', from: { pathNot: '^src/main/' }, to: { path: '^src/main/' } },
    {
      name: 'http-not-from-below',
      severity: 'error',
      from: { path: '^src/(modules|jobs|queue|db|events|lib|contracts|connectors|emulator)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'jobs-not-from-below',
      severity: 'error',
      from: { path: '^src/(modules|http|queue|db|events|lib|contracts|connectors|emulator)/' },
      to: { path: '^src/jobs/' },
    },
    { name: 'infrastructure-never-imports-modules', severity: 'error', from: { path: infra }, to: { path: '^src/modules/' } },
    { name: 'db-below-queue-and-events', severity: 'error', from: { path: '^src/(db|lib)/' }, to: { path: '^src/(queue|events)/' } },
    { name: 'lib-imports-only-lib-and-contracts', severity: 'error', from: { path: '^src/lib/' }, to: { path: '^src/', pathNot: '^src/(lib|contracts)/' } },
    { name: 'config-imports-only-contracts', severity: 'error', from: { path: '^src/config\\.ts$' }, to: { path: '^src/', pathNot: '^src/contracts/' } },
    { name: 'contracts-import-only-zod', severity: 'error', from: { path: '^src/contracts/' }, to: { pathNot: ['^src/contracts/', 'node_modules/zod'] } },
    {
      name: 'modules-use-each-other-only-through-index',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'only-modules-and-main-reach-the-registry',
      severity: 'error',
      from: { pathNot: '^src/(modules|main|connectors)/' },
      to: { path: '^src/connectors/registry\\.ts$' },
    },
    {
      name: 'connectors-import-only-sdk-and-lib',
      severity: 'error',
      // Connector tests may also start the emulator.
      from: { path: '^src/connectors/(?!registry\\.ts)', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/connectors/', '^src/lib/', '^src/contracts/'] },
    },
    {
      name: 'connectors-do-not-import-other-connectors',
      severity: 'error',
      from: { path: '^src/connectors/([^/]+)/' },
      to: { path: '^src/connectors/([^/]+)/', pathNot: ['^src/connectors/$1/', '^src/connectors/sdk/'] },
    },
    {
      name: 'emulator-is-standalone',
      severity: 'error',
      // The emulator plays the channels: it never borrows the connectors' code (a shared bug would pass both sides).
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: ['^src/emulator/', '^src/lib/', '^src/contracts/'] },
    },
    {
      name: 'only-main-and-tests-start-the-emulator',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main/', '^src/emulator/', '\\.test\\.ts$'] },
      to: { path: '^src/emulator/' },
    },
    { name: 'web-imports-only-contracts', severity: 'error', from: { path: '^web/' }, to: { path: '^(src|test|bench)/', pathNot: '^src/contracts/' } },
    { name: 'src-never-imports-tests', severity: 'error', from: { path: '^src/', pathNot: '\\.test\\.ts$' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.test-tmp/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
