// ESLint flat config. Fast, syntax-only rules (no type information): correctness first, no
// stylistic rules. House rules about runtimes and environment access are enforced below.
import { createRequire } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// eslint's own recommended rules ship in @eslint/js, a pinned dependency of eslint itself;
// resolve it from there rather than relying on how node_modules happens to be laid out.
const requireFromEslint = createRequire(createRequire(import.meta.url).resolve('eslint'));
const js = requireFromEslint('@eslint/js');

// ---------------------------------------------------------------------------------------------
// The proxy app must stay runtime-agnostic: it also runs on Cloudflare Workers.
// ---------------------------------------------------------------------------------------------

const RUNTIME_AGNOSTIC_MESSAGE =
  'the proxy app must stay runtime-agnostic (it also runs on Workers); ' +
  'put node-only code in src/proxy/replica or an adapter';

/** Files that must run on Node and on Workers alike. */
const RUNTIME_AGNOSTIC_FILES = [
  'src/proxy/**',
  'src/shared/{ports,schema,filter,catalog,manifest,wal,ops}/**',
  'src/shared/errors.ts',
  'src/shared/config/schema.ts',
];

/** Node-side parts of the proxy: the read replica (usearch), Node I/O helpers, the Node composition root. */
const NODE_ONLY_PROXY_FILES = ['src/proxy/replica/**', 'src/proxy/node/**', 'src/proxy/entry-node.ts'];

/** Node builtins that may also be imported without the node: prefix (and their subpaths). */
const NODE_BUILTINS = [
  'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'net', 'http',
  'zlib', 'stream', 'events', 'url', 'util', 'buffer',
];

/** Packages that need Node (native addons or node-only APIs). */
const NODE_ONLY_PACKAGES = [
  'usearch', 'lmdb', '@hono/node-server', '@confluentinc/kafka-javascript', 'ioredis',
  'prom-client', 'pino',
];

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (names) => names.map(escapeRegex).join('|');

/** Import restrictions; each regex is matched against the import specifier as written. */
const nodeOnlyImportPatterns = [
  { regex: '^node:', message: RUNTIME_AGNOSTIC_MESSAGE },
  { regex: `^(${anyOf(NODE_BUILTINS)})(/.*)?$`, message: RUNTIME_AGNOSTIC_MESSAGE },
  { regex: `^(${anyOf(NODE_ONLY_PACKAGES)})(/.*)?$`, message: RUNTIME_AGNOSTIC_MESSAGE },
  { regex: '^@aws-sdk/', message: RUNTIME_AGNOSTIC_MESSAGE },
];
/** Relative imports of node-side code: the proxy's replica and node folders, the port adapters. */
const replicaImportPattern = {
  regex: '^\\.{1,2}/(.*/)?(replica|node)(/|$)',
  message: RUNTIME_AGNOSTIC_MESSAGE,
};
const adapterImportPattern = {
  regex: '^\\.{1,2}/(.*/)?adapters(/|$)',
  message: RUNTIME_AGNOSTIC_MESSAGE,
};

const nodeOnlyGlobals = [
  { name: 'Buffer', message: `${RUNTIME_AGNOSTIC_MESSAGE} (use Uint8Array / TextEncoder)` },
  { name: 'process', message: `${RUNTIME_AGNOSTIC_MESSAGE} (configuration is injected)` },
];

export default defineConfig([
  globalIgnores(['**/node_modules/', 'data/', '.quiver/', 'dist/', '.cache/', '**/.cache/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'warn',
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },

  // Plain JavaScript files (this config, scripts) run on Node.
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },

  // House rule: runtime-agnostic code never touches node-only modules or globals.
  {
    files: RUNTIME_AGNOSTIC_FILES,
    ignores: [...NODE_ONLY_PROXY_FILES, 'src/proxy/entry-worker.ts', 'src/proxy/edge/entry-worker.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeOnlyImportPatterns, replicaImportPattern, adapterImportPattern] },
      ],
      'no-restricted-globals': ['error', ...nodeOnlyGlobals],
    },
  },
  // The Workers composition root wires in the adapters that run on Workers (HTTP bridge, object
  // store over fetch), so it may import adapters, but still nothing node-only.
  {
    files: ['src/proxy/entry-worker.ts', 'src/proxy/edge/entry-worker.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeOnlyImportPatterns, replicaImportPattern] },
      ],
      'no-restricted-globals': ['error', ...nodeOnlyGlobals],
    },
  },

  // Adapters the Worker composes must run on workerd too: web APIs only.
  {
    files: ['src/shared/adapters/{kafka-bridge,s3-fetch,object-store-coordinator}/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: nodeOnlyImportPatterns }],
      'no-restricted-globals': ['error', ...nodeOnlyGlobals],
    },
  },

  // House rule: adapters receive their configuration; only entry files read the environment.
  {
    files: ['src/shared/adapters/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'adapters never read the environment: take settings from the loaded config (src/shared/config)',
        },
      ],
    },
  },

  // Tests read untyped JSON answers from the server; typing every envelope there adds nothing.
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
]);
