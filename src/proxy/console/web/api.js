/* global fetch, sessionStorage, URLSearchParams */
/**
 * Calls to the server: the Milvus REST endpoints (POST /v2/vectordb/...) and the status
 * endpoint (GET /v2/quiver/status). Every failure becomes an ApiError carrying the server's
 * Milvus code and message verbatim, so pages can show exactly what the API answered.
 */

const TOKEN_KEY = 'quiver.console.token';

/** The token sent as `Authorization: Bearer <token>` ('' = none). Lives for the browser tab. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed call: `code` is the Milvus code (null when the answer had none), `status` the HTTP status. */
export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(null, `network error: ${err.message}`, 0);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(null, `HTTP ${res.status}: ${text.slice(0, 300)}`, res.status);
  }
  if (json.code !== 0) throw new ApiError(json.code ?? null, json.message ?? `HTTP ${res.status}`, res.status);
  return json;
}

/** POST /v2/vectordb/<path>; resolves with the whole envelope ({code, data, ...}). */
export function milvus(path, body) {
  return call('POST', `/v2/vectordb/${path}`, body);
}

/** The status document (see src/shared/ops/status-schema.ts), optionally for one database or collection. */
export async function fetchStatus(scope = {}) {
  const query = new URLSearchParams();
  if (scope.dbName) query.set('dbName', scope.dbName);
  if (scope.collectionName) query.set('collectionName', scope.collectionName);
  const qs = query.toString();
  return (await call('GET', `/v2/quiver/status${qs ? `?${qs}` : ''}`)).data;
}
