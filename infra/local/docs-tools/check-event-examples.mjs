// Validates every example message of the AsyncAPI document against the schemas it names: the
// payload against the JSON Schema file it $refs (a file of its own, so that tests can validate
// published events with it), the headers (SNS message attributes) against the headers schema.
// The AsyncAPI CLI does not check examples of an AsyncAPI 3 document, so this does.
//
//   node check-event-examples.mjs ASYNCAPI_YAML
//
// Also fails when a message has no example, when a header differs from the payload member of
// the same name (the service copies them), or when an eventType of the schema has no example.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const [docPath] = process.argv.slice(2);
if (!docPath) {
  console.error('usage: node check-event-examples.mjs ASYNCAPI_YAML');
  process.exit(2);
}
const docUrl = pathToFileURL(resolve(docPath));
const doc = parse(readFileSync(docPath, 'utf8'));

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

// Loads a file named by a $ref (relative to the document) into Ajv once, under its file URL,
// so that $refs into it resolve as they do for the AsyncAPI parser.
const loaded = new Map();
function loadReferencedFiles(node) {
  if (Array.isArray(node)) return node.forEach(loadReferencedFiles);
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
      const url = new URL(value.split('#')[0], docUrl).href;
      if (!loaded.has(url)) {
        const schema = JSON.parse(readFileSync(fileURLToPath(url), 'utf8'));
        ajv.addSchema(schema, url);
        loaded.set(url, schema);
      }
    } else {
      loadReferencedFiles(value);
    }
  }
}

// Compiles a schema of the document under a URL beside it, so relative $refs resolve.
let compiled = 0;
function validator(schema) {
  loadReferencedFiles(schema);
  compiled += 1;
  const id = new URL(`${basename(docPath)}.schema-${compiled}`, docUrl).href;
  return ajv.compile({ ...schema, $id: id });
}

// Follows a local $ref ('#/components/...') within the document.
function local(node) {
  while (node && typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    node = node.$ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((at, part) => at?.[part], doc);
  }
  return node;
}

const errors = [];
const describe = (validate) =>
  validate.errors
    .map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`)
    .join('; ');
let checked = 0;
const messages = Object.entries(doc.components?.messages ?? {});
if (messages.length === 0) errors.push(`${docPath} has no messages under components.messages`);

for (const [name, raw] of messages) {
  const message = local(raw);
  // The payload's schema lives in a file of its own, so that tests can validate published
  // events with it: an inline copy here could drift from it.
  if (typeof message.payload?.$ref !== 'string' || message.payload.$ref.startsWith('#')) {
    errors.push(`${name}: the payload must $ref a JSON Schema file`);
    continue;
  }
  let payload, headers;
  try {
    payload = validator(message.payload);
    headers = message.headers ? validator(local(message.headers)) : null;
  } catch (error) {
    errors.push(`${name}: invalid schema: ${error.message}`);
    continue;
  }
  const examples = message.examples ?? [];
  if (examples.length === 0) errors.push(`${name}: no example`);

  examples.forEach((example, index) => {
    const label = `${name} example ${example.name ?? index + 1}`;
    checked += 1;
    if (example.payload === undefined) errors.push(`${label}: no payload`);
    else if (!payload(example.payload)) errors.push(`${label}: payload ${describe(payload)}`);
    if (example.headers !== undefined) {
      if (!headers) errors.push(`${label}: has headers, but the message defines none`);
      else if (!headers(example.headers)) errors.push(`${label}: headers ${describe(headers)}`);
      for (const [header, value] of Object.entries(example.headers)) {
        if (example.payload && header in example.payload && example.payload[header] !== value) {
          errors.push(`${label}: header ${header} is ${JSON.stringify(value)}, the payload's ${JSON.stringify(example.payload[header])}`);
        }
      }
    } else if (message.headers) {
      errors.push(`${label}: no headers, but the message defines them`);
    }
  });

  // One example per event type, so the documentation shows each.
  const payloadSchema = loaded.get(new URL(message.payload.$ref.split('#')[0], docUrl).href);
  for (const type of payloadSchema?.properties?.eventType?.enum ?? []) {
    if (!examples.some((example) => example.payload?.eventType === type)) errors.push(`${name}: no example of eventType ${type}`);
  }
}

for (const error of errors) console.error(`  ${error}`);
const summary = `event examples: ${checked} example(s) of ${messages.length} message(s) in ${basename(docPath)} checked against ${[...loaded.keys()].map((url) => basename(fileURLToPath(url))).join(', ') || 'no schema file'}`;
if (errors.length > 0) {
  console.error(`${summary}; ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(summary);
