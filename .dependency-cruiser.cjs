/**
 * The dependency rule of mailroute (docs/architecture.md): each layer imports only the layers below
 * it, and nothing imports in a cycle. `npm test` runs this check, so a new upward import fails.
 *
 * From the bottom up: pure rules, the HTTP contract, infrastructure, the process context, the
 * stages of the pipeline (each only below itself), the SMTP submission server, the admin use cases,
 * the metrics, the API, the process entry
 * points and the CLI.
 */
const layers = [
  ['domain', '^src/domain/'],
  ['schemas', '^src/schemas/'],
  ['infrastructure', '^src/(config|log\\.ts|secrets|dns|auth|dkim|store)(/|$)'],
  ['context', '^src/(context|events)\\.ts$'],
  ['transports', '^src/transports/'],
  ['antivirus', '^src/antivirus/'],
  ['webhooks', '^src/webhooks/'],
  ['queue', '^src/queue/'],
  ['notices', '^src/notices/'],
  ['credentials', '^src/credentials/'],
  ['delivery', '^src/delivery/'],
  ['bounces', '^src/bounces/'],
  ['intake', '^src/intake/'],
  ['submission', '^src/submission/'],
  ['services', '^src/services/'],
  ['metrics', '^src/metrics/'],
  ['api', '^src/api/'],
  ['process', '^src/(main|open-context|worker-processes)\\.ts$'],
  ['cli', '^src/cli/'],
];

const upward = layers.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-only-below`,
  comment: `${name} may import only the layers below it (docs/architecture.md)`,
  severity: 'error',
  from: { path },
  to: { path: layers.slice(i + 1).map(([, p]) => p) },
}));

/** Node modules that reach the outside world: pure rules never use them. */
const io = [
  'fs',
  'net',
  'tls',
  'dns',
  'http',
  'https',
  'http2',
  'dgram',
  'child_process',
  'worker_threads',
  'cluster',
];

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'modules that import each other cannot be understood, tested or moved apart',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upward,
    {
      name: 'domain-has-no-io',
      comment: 'domain/ holds pure rules: no file, network or process access',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], path: io.map((m) => `^(node:)?${m}(/|$)`) },
    },
    {
      name: 'domain-has-no-packages-with-io',
      comment: 'domain/ may use pure libraries only (zod, address parsing), never a client library',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: 'node_modules/(kysely|pg|better-sqlite3|nodemailer|smtp-server|imapflow|fastify|pino|mailauth|dns2)/',
      },
    },
    {
      name: 'console-imports-only-the-contract',
      comment: 'the console shares the HTTP contract and the value types, never server code',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/(schemas|domain)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(src|web/src)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
