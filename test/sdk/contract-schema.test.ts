// The published JSON Schema must say what the SDK's schemas say: regenerate it with
// `npm run contract:schema` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractSchema, contractSchemaFile } from '../../scripts/contract-schema.ts';

const committed = JSON.parse(readFileSync(contractSchemaFile, 'utf8'));

/** Every `$ref` in a schema, wherever it sits. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refs(inner),
  );
}

describe('docs/third-party-contract.schema.json', () => {
  it('is what the SDK generates today (else run npm run contract:schema)', () => {
    expect(committed).toEqual(contractSchema());
  });

  it('is a draft 2020-12 document with a definition for every body of the contract', () => {
    expect(committed.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(committed.$defs)).toEqual(
      expect.arrayContaining([
        'ConnectRequest',
        'ConnectReply',
        'SubmitRequest',
        'SubmitContent',
        'SubmitReply',
        'Refusal',
        'CallbackPayload',
        'CallbackBody',
        'CallbackReply',
        'GetRequest',
        'GetReply',
        'TerminateRequest',
        'TerminateReply',
      ]),
    );
  });

  it('refers only to its own definitions', () => {
    const targets = refs(committed).map((ref) => ref.replace('#/$defs/', ''));

    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((name) => !(name in committed.$defs))).toEqual([]);
  });
});
