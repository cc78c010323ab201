// The layering rules of docs/architecture.md as dependency-cruiser rules.
// lib/layering.test.ts runs them on lib/, app/ and components/ (so `npm test`
// and CI fail on a broken rule) and on a small tree that breaks each one.
//
// Type-only imports count: a module that needs another's types is coupled to
// it, and `import type` is one keystroke away from a value import. A type that
// two modules both need belongs in a third module that both import.
//
// Test files (*.test.ts) are exempt from the direction rules: a test may reach
// across layers to drive the worker against real zones. They can never sit in
// a cycle, since nothing imports them.
const TESTS = '[.]test[.]tsx?$';
const WEB_ONLY = '^(app|components)/|^node_modules/(@types/)?(next|react|react-dom|server-only)/';
const DB = '^lib/(db|db-adapters)[.]ts$|^lib/generated/prisma';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules that import each other, directly or around a loop. Move what both need into a third module.',
      from: { path: '^(lib|app|components)/' },
      to: { circular: true },
    },
    {
      name: 'runs-outside-next',
      severity: 'error',
      comment:
        'lib/worker, lib/dns and lib/cli run outside Next (the worker process, its answer threads, the CLI bundle): they never reach next, react, react-dom, server-only, app/ or components/, not even through another module.',
      from: { path: '^lib/(worker|dns|cli)/', pathNot: TESTS },
      to: { path: WEB_ONLY, reachable: true },
    },
    {
      name: 'web-without-db',
      severity: 'error',
      comment: 'app/ and components/ reach the database through lib/<domain>/data.ts and mutations.ts, never lib/db or the Prisma client.',
      from: { path: '^(app|components)/', pathNot: TESTS },
      to: { path: DB },
    },
    {
      name: 'zones-without-worker',
      severity: 'error',
      comment: 'lib/zones is the write path the worker calls; it never imports lib/worker.',
      from: { path: '^lib/zones/', pathNot: TESTS },
      to: { path: '^lib/worker/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    // node_modules may be a symlink (a git worktree's); keep its paths inside the tree.
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The Prisma client is generated: look at who imports it, not into it.
    doNotFollow: { path: ['node_modules', '^lib/generated/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
    cache: false,
  },
};
