/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the zod schemas that validate the
 * request bodies, so the document cannot drift from what the server accepts. Runtime-agnostic:
 * the app serves it at GET /v2/openapi.json and the CLI prints it (`quiver openapi`).
 *
 * Responses follow what app.ts actually answers: the Milvus envelope {code, message, data} with
 * HTTP 200 for success and for business errors (non-zero code), and a few HTTP statuses for
 * failures that happen before or around a handler (credentials, privileges, body size,
 * deadlines, an unreachable backend).
 */
import { z } from 'zod';
import type { RouteDef } from './route.ts';
import { allRoutes } from './routes/index.ts';

/** Where the document is served (GET). */
export const OPENAPI_PATH = '/v2/openapi.json';

/** A JSON Schema or OpenAPI object; the document is plain JSON. */
type Json = Record<string, unknown>;

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** info.version of the document. */
  version?: string;
  /** Base URLs listed under `servers` (none by default: clients use the URL they fetched from). */
  servers?: string[];
}

const errorEnvelope: Json = {
  type: 'object',
  description: 'Milvus error answer: a non-zero code and a message.',
  required: ['code', 'message'],
  properties: {
    code: { type: 'integer', description: 'Milvus status code (non-zero).' },
    message: { type: 'string' },
  },
};

const envelope: Json = {
  type: 'object',
  description:
    'Milvus envelope. code 0 is success and carries `data`; a non-zero code is a business error ' +
    '(1100 invalid parameter, 1801 body is not JSON or has a wrong type, 1802 missing parameter, ' +
    '1804 invalid rows, 100 collection not found, 1807 rate limited, ...) and carries `message`.',
  required: ['code'],
  properties: {
    code: { type: 'integer', description: '0 on success, a Milvus status code otherwise.' },
    message: { type: 'string' },
    data: { description: 'The result; its shape depends on the operation.' },
    cost: { type: 'integer', description: 'Entities endpoints: always 0.' },
    topks: { type: 'array', items: { type: 'integer' }, description: 'Search endpoints: hits per query vector.' },
  },
};

const errorResponse = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/MilvusError' } } },
});

/** Responses every operation may give; all bodies are JSON envelopes. */
const sharedResponses: Json = {
  '200': {
    description: 'Success (code 0) or a business error (non-zero code), as Milvus answers.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/MilvusEnvelope' } } },
  },
  '401': errorResponse('Authentication is enabled and the credentials are missing or wrong (code 1800).'),
  '403': errorResponse('Authentication is enabled and the caller lacks the privilege (code 1401).'),
  '408': errorResponse('The Request-Timeout or a consistency wait ran out (code 2).'),
  '413': errorResponse('The body is larger than server.maxBodyBytes (code 1100).'),
  '503': errorResponse('A backend (log, object store, coordinator) is unavailable; retryable (code 2201).'),
};

/** Optional request headers every operation reads (see app.ts). */
const sharedParameters: Json[] = [
  {
    name: 'DB-Name',
    in: 'header',
    required: false,
    description: 'Database when the body has no dbName (default "default").',
    schema: { type: 'string' },
  },
  {
    name: 'Request-Timeout',
    in: 'header',
    required: false,
    description: 'Seconds before the request gives up with 408; non-positive or invalid values use the server default.',
    schema: { type: 'string' },
  },
  {
    name: 'Accept-Type-Allow-Int64',
    in: 'header',
    required: false,
    description: '"true" answers Int64 values as JSON numbers instead of strings.',
    schema: { type: 'string' },
  },
];

/**
 * The JSON Schema of a route's body as a client may send it. Bodies are JSON objects; unknown
 * keys are ignored by the server (zod strips them), so additional properties stay allowed.
 */
export function bodySchema(route: RouteDef): Json {
  const schema = z.toJSONSchema(route.body, {
    target: 'draft-2020-12',
    io: 'input',
    // z.unknown() and transforms have no JSON Schema; they accept any value here.
    unrepresentable: 'any',
  }) as Json;
  delete schema.$schema;
  return schema;
}

/** `collections/create` from `/v2/vectordb/collections/create` (`status` from `/v2/quiver/status`). */
function shortName(path: string): string {
  return path.replace(/^\/v2\/(?:vectordb|quiver)\//, '');
}

function operation(route: RouteDef): Json {
  const name = shortName(route.path);
  const [category] = name.split('/');
  return {
    operationId: name.replace(/[^A-Za-z0-9]+/g, '_'),
    tags: [category],
    summary: `POST ${name}`,
    parameters: sharedParameters,
    requestBody: {
      required: true,
      content: { 'application/json': { schema: bodySchema(route) } },
    },
    responses: sharedResponses,
  };
}

/** Builds the OpenAPI 3.1 document for `routes` (all of quiver's by default). */
export function openApiDocument(routes: readonly RouteDef[] = allRoutes, options: OpenApiOptions = {}): Json {
  const paths: Json = {};
  for (const route of routes) paths[route.path] = { post: operation(route) };
  const tags = [...new Set(routes.map((r) => shortName(r.path).split('/')[0]))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'quiver — Milvus RESTful API v2',
      version: options.version ?? '2',
      description:
        'Every endpoint is POST with a JSON object body and answers the Milvus envelope. ' +
        'Credentials (when authentication is enabled): `Authorization: Bearer <user>:<password>`, ' +
        '`Bearer <api key>`, or HTTP Basic.',
    },
    ...(options.servers ? { servers: options.servers.map((url) => ({ url })) } : {}),
    tags,
    // Either no credentials (authentication off) or one of the schemes.
    security: [{}, { bearer: [] }, { basic: [] }],
    paths,
    components: {
      schemas: { MilvusEnvelope: envelope, MilvusError: errorEnvelope },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: '`<user>:<password>` or an API key.' },
        basic: { type: 'http', scheme: 'basic' },
      },
    },
  };
}
