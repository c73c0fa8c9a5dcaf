// `npm run contract:schema`: writes docs/third-party-contract.schema.json, the third-party contract
// as one JSON Schema document, generated from the SDK's zod schemas so that it says exactly what
// the code accepts. A test compares the committed file with a fresh generation.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  approveNodeSchema,
  callbackBodySchema,
  callbackPayloadSchema,
  callbackReplySchema,
  connectReplySchema,
  connectRequestSchema,
  getReplySchema,
  getRequestSchema,
  proxyQuerySchema,
  refusalSchema,
  submitContentSchema,
  submitReplySchema,
  submitRequestSchema,
  terminateReplySchema,
  terminateRequestSchema,
  thirdPartyUserSchema,
} from '@signoff/sdk';
import { z } from 'zod';
import { repoRoot } from './launch.ts';

export const contractSchemaFile = join(repoRoot, 'docs/third-party-contract.schema.json');

interface Definition {
  schema: z.ZodType;
  title: string;
  description: string;
}

/** Every body of the contract, by the name it gets under `$defs`. Parts used twice come first. */
const definitions: Record<string, Definition> = {
  ThirdPartyUser: {
    schema: thirdPartyUserSchema,
    title: 'User',
    description:
      'A person: userId is Signoff’s id, userSourceId the id in the source account system.',
  },
  Approver: {
    schema: callbackPayloadSchema.shape.approver,
    title: 'Approver',
    description: 'Who decided or revoked, by their id in the source account system.',
  },
  ProxyQuery: {
    schema: proxyQuerySchema,
    title: 'Query parameters of every call to a proxy',
    description: 'The Access Token and the send time in milliseconds since the epoch.',
  },
  ConnectRequest: {
    schema: connectRequestSchema,
    title: 'Connection test',
    description: 'POST {url}/dataphin/bpms/check/connect',
  },
  ConnectReply: {
    schema: connectReplySchema,
    title: 'Reply to the connection test',
    description: 'Only checkResult "success" passes; any other value is shown as the reason.',
  },
  ApproveNode: {
    schema: approveNodeSchema,
    title: 'Approval step',
    description: 'OR: one approver of the step suffices; AND: all must approve.',
  },
  SubmitRequest: {
    schema: submitRequestSchema,
    title: 'Submit an approval',
    description:
      'POST {url}/dataphin/bpms/processinstance/create. content is a JSON string of ' +
      'SubmitContent; a repeated applyId is the same approval.',
  },
  SubmitContent: {
    schema: submitContentSchema,
    title: 'The parsed content of a submit',
    description: 'Extra fields may appear (Signoff adds sensitivity); ignore unknown ones.',
  },
  SubmitReply: {
    schema: submitReplySchema,
    title: 'Reply to a submit',
    description: 'The approval instance, or why not and whether Signoff may send it again.',
  },
  Refusal: {
    schema: refusalSchema,
    title: 'Refusal of a call (HTTP 401)',
    description: 'Sent when accessToken or timestamp fails the access check.',
  },
  CallbackPayload: {
    schema: callbackPayloadSchema,
    title: 'Decrypted callback',
    description:
      'Encrypted with the Encoding AES Key, the tenant id as owner key, in CallbackBody.encrypt.',
  },
  CallbackBody: {
    schema: callbackBodySchema,
    title: 'Callback request body',
    description:
      'POST {callback URL}?signature=…&timestamp=…&nonce=…, signed with the Access Token.',
  },
  CallbackReply: {
    schema: callbackReplySchema,
    title: 'Reply to a callback',
    description: 'encrypt decrypts to "success"; anything else is a failed delivery.',
  },
  GetRequest: {
    schema: getRequestSchema,
    title: 'Get an approval (optional call)',
    description: 'POST {url}/signoff/processinstance/get; HTTP 404 means not served.',
  },
  GetReply: {
    schema: getReplySchema,
    title: 'Reply to get',
    description: 'The approval’s state.',
  },
  TerminateRequest: {
    schema: terminateRequestSchema,
    title: 'Terminate an approval (optional call)',
    description: 'POST {url}/signoff/processinstance/terminate; HTTP 404 means not served.',
  },
  TerminateReply: {
    schema: terminateReplySchema,
    title: 'Reply to terminate',
    description: 'success false when the approval could not be withdrawn.',
  },
};

/** The whole contract as one JSON Schema (draft 2020-12) document with a `$defs` entry per body. */
export function contractSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string; title: string; description: string }>();
  for (const [id, { schema, title, description }] of Object.entries(definitions)) {
    registry.add(schema, { id, title, description });
  }
  const generated = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    // The shapes as sent: a receiver tolerates fields it does not know.
    io: 'input',
    uri: (id) => `#/$defs/${id}`,
    metadata: registry,
  });

  const defs = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => {
      // Each entry comes as a document of its own; inside one document they are plain subschemas.
      const { $schema: _schema, $id: _id, ...definition } = schema;
      return [id, definition];
    }),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Signoff third-party contract',
    description:
      'The calls Signoff makes to a third-party proxy, their replies, and the callback a proxy ' +
      'sends back. Generated from @signoff/sdk by `npm run contract:schema`; the prose is in ' +
      'third-party-contract.md.',
    $defs: defs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(contractSchemaFile, `${JSON.stringify(contractSchema(), null, 2)}\n`);
  // Formatted like every other file, so that `biome check` passes on the committed schema.
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/@biomejs/biome/bin/biome'),
      'format',
      '--write',
      contractSchemaFile,
    ],
    { stdio: 'inherit' },
  );
  console.log(`Wrote ${contractSchemaFile}`);
}
