// JSON-schema validation of raw response bodies.
//
// SSO, connections and JWKS bodies are checked against the official WorkOS
// OpenAPI document shipped in @workos/openapi-spec (OpenAPI 3.1, i.e. JSON
// Schema 2020-12, nullability written as `type: [X, "null"]`), so Ajv2020 is
// used. The whole document is registered once under a private $id so that
// every `$ref: '#/components/schemas/X'` inside it resolves, and validators
// are made for JSON pointers into it: a component schema, or the schema of
// one documented response (path, method, status).
//
// Passwordless is absent from that spec (deprecated upstream), so its bodies
// are checked against small local schemas written from CONTRACT.md and
// docs/reference/live-api-evidence.md (§3.1, §3.2, §4.4).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const require = createRequire(import.meta.url);
export const SPEC_PATH = require.resolve('@workos/openapi-spec/spec');
export const spec = YAML.parse(readFileSync(SPEC_PATH, 'utf8'));
if (!/^3\.1\./.test(String(spec.openapi))) {
  // 3.0 would need `nullable` translated; 0.1.0 is 3.1.1 and the package is pinned.
  throw new Error(`expected an OpenAPI 3.1 document at ${SPEC_PATH}, got openapi: ${spec.openapi}`);
}

// The npm package is 0.1.0 (2026-07-16), the only version on the registry. The spec repository's
// v0.61.0 (workos/openapi-spec, 2026-08-07) adds the connection types GrokOAuth and XOAuth to the
// connection_type enums of Profile and Connection; nothing else in the schemas this suite checks
// changed except that Connection lost `options` (which the mock never sends). Apply exactly that
// addition, so the newer types are checked against the spec rather than skipped.
export const SPEC_0_61_CONNECTION_TYPES = ['GrokOAuth', 'XOAuth'];
for (const name of ['Profile', 'Connection']) {
  const values = spec.components.schemas[name]?.properties?.connection_type?.enum;
  if (!Array.isArray(values)) throw new Error(`spec: ${name}.connection_type has no enum to extend`);
  for (const t of SPEC_0_61_CONNECTION_TYPES) if (!values.includes(t)) values.push(t);
}

const SPEC_ID = 'https://workos-mock.invalid/openapi-spec.json';

// strict:false: the document carries OpenAPI annotations (`example`, `x-*`)
// that are not JSON Schema keywords.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: SPEC_ID, paths: spec.paths, components: spec.components });

const escapePointer = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const cache = new Map();
function validatorFor(pointer) {
  let v = cache.get(pointer);
  if (!v) {
    v = ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
    cache.set(pointer, v);
  }
  return v;
}

function describeErrors(errors) {
  return (errors ?? [])
    .map((e) => `  ${e.instancePath || '(root)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`)
    .join('\n');
}

// JSON Schema lets undeclared members through unless a schema forbids them, and the spec's
// schemas don't. A mock that invents fields (or misspells one) would then pass silently, so every
// member of a body must also be declared somewhere in the schema it is checked against.
function resolve(schema) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 32; i++) {
    const pointer = s.$ref.replace(/^#/, '').split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    s = pointer.reduce((node, key) => node?.[key], spec);
  }
  return s ?? {};
}

function undeclared(schema, value, path) {
  const s = resolve(schema);
  const branches = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  if (branches.length) {
    const results = branches.map((b) => undeclared(b, value, path));
    return results.find((r) => r.length === 0) ?? results.reduce((a, b) => (a.length <= b.length ? a : b));
  }
  if (Array.isArray(value)) {
    return s.items ? value.flatMap((v, i) => undeclared(s.items, v, `${path}/${i}`)) : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const properties = {};
  for (const part of [s, ...(s.allOf ?? []).map(resolve)]) Object.assign(properties, part.properties ?? {});
  const open = s.additionalProperties === true || typeof s.additionalProperties === 'object' ||
    Object.keys(properties).length === 0;
  const out = [];
  for (const [key, v] of Object.entries(value)) {
    if (key in properties) out.push(...undeclared(properties[key], v, `${path}/${key}`));
    else if (!open) out.push(`${path}/${key}`);
    else if (typeof s.additionalProperties === 'object') out.push(...undeclared(s.additionalProperties, v, `${path}/${key}`));
  }
  return out;
}

function checkDeclared(schema, body, what) {
  const extra = undeclared(schema, body, '');
  if (extra.length) {
    throw new Error(`${what}: members not in the schema: ${extra.join(', ')}\nbody: ${JSON.stringify(body, null, 2)}`);
  }
}

function check(validate, body, what) {
  if (!validate(body)) {
    const err = new Error(`${what}: body does not match the schema\n${describeErrors(validate.errors)}\nbody: ${JSON.stringify(body, null, 2)}`);
    err.validationErrors = validate.errors;
    throw err;
  }
  return body;
}

/** Throws unless `body` matches components.schemas[name] of the official spec. */
export function assertSpecSchema(name, body) {
  if (!spec.components.schemas[name]) throw new Error(`no schema ${name} in the spec`);
  check(validatorFor(`/components/schemas/${escapePointer(name)}`), body, `spec schema ${name}`);
  checkDeclared(spec.components.schemas[name], body, `spec schema ${name}`);
  return body;
}

/** Throws unless `body` matches the spec's documented JSON body for (path, method, status). */
export function assertSpecResponse(path, method, status, body) {
  const op = spec.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`the spec has no ${method} ${path}`);
  const resp = op.responses?.[String(status)];
  if (!resp) {
    throw new Error(`the spec documents no ${status} for ${method} ${path} (documented: ${Object.keys(op.responses ?? {}).join(', ')})`);
  }
  if (!resp.content?.['application/json']?.schema) {
    throw new Error(`the spec documents no JSON body for ${status} of ${method} ${path}`);
  }
  const pointer = `/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  const what = `spec response ${method.toUpperCase()} ${path} ${status}`;
  check(validatorFor(pointer), body, what);
  checkDeclared(resp.content['application/json'].schema, body, what);
  return body;
}

// ---------------------------------------------------------------------------
// Local schemas (not in the official spec).

export const CROCKFORD = '[0-9A-HJKMNP-TV-Z]{26}';
export const ISO_MS_Z = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';

const local = new Ajv2020({ strict: true, allErrors: true });
addFormats(local);

const passwordlessSession = local.compile({
  type: 'object',
  required: ['object', 'id', 'email', 'expires_at', 'link'],
  properties: {
    object: { const: 'passwordless_session' },
    id: { type: 'string', pattern: `^passwordless_session_${CROCKFORD}$` },
    email: { type: 'string', minLength: 3 },
    expires_at: { type: 'string', format: 'date-time', pattern: ISO_MS_Z },
    link: { type: 'string', pattern: '^https?://[^/]+/passwordless/[A-Za-z0-9]+/confirm$' },
  },
});

const sendSession = local.compile({
  type: 'object',
  required: ['success'],
  properties: { success: { const: true } },
});

// The 422 `Validation failed` envelope (CONTRACT.md, Common).
const validationError = local.compile({
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string', minLength: 1 },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code'],
        properties: { code: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
});

// Control plane (DESIGN.md §2.3).
const environment = local.compile({
  type: 'object',
  required: ['object', 'name', 'kind', 'api_key', 'client_id', 'redirect_uris'],
  properties: {
    object: { const: 'environment' },
    name: { type: 'string', minLength: 1 },
    kind: { enum: ['staging', 'production'] },
    api_key: { type: 'string', pattern: '^sk_(test|live)_' },
    client_id: { type: 'string', pattern: '^client_' },
    redirect_uris: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uri', 'default'],
        properties: { uri: { type: 'string', format: 'uri' }, default: { type: 'boolean' } },
      },
    },
  },
});

const outboxEmail = local.compile({
  type: 'object',
  required: ['object', 'id', 'to', 'from', 'subject', 'text', 'html', 'link', 'session_id', 'sent_at'],
  properties: {
    object: { const: 'email' },
    id: { type: 'string', minLength: 1 },
    to: { type: 'string' },
    from: { type: 'string', minLength: 1 },
    subject: { type: 'string', minLength: 1 },
    text: { type: 'string', minLength: 1 },
    html: { type: 'string', minLength: 1 },
    link: { type: 'string' },
    session_id: { type: 'string', pattern: `^passwordless_session_${CROCKFORD}$` },
    sent_at: { type: 'string', format: 'date-time' },
  },
});

export const assertPasswordlessSession = (b) => check(passwordlessSession, b, 'passwordless_session');
export const assertSendSession = (b) => check(sendSession, b, 'send session reply');
export const assertValidationError = (b) => check(validationError, b, '422 error body');
export const assertEnvironment = (b) => check(environment, b, 'control-plane environment');
export const assertOutboxEmail = (b) => check(outboxEmail, b, 'control-plane outbox email');
