// Plays Signoff's side against a proxy running as a real process: the example proxy of
// docs/third-party-contract.md, extracted from the docs so that they cannot drift. Signoff's
// calls are plain HTTP with the wire bodies spelled out; its callback endpoint is a plain
// node:http listener that opens each callback with the SDK and acknowledges it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CallbackCrypto,
  type CallbackPayload,
  generateEncodingAesKey,
  generateToken,
  type SubmitContent,
  type SubmitRequest,
  THIRD_PARTY_PATHS,
} from '@signoff/sdk';
import { expect, it } from 'vitest';
import { repoRoot } from '../../scripts/launch.ts';

/** The docs file that holds the contract and the example proxy. */
export const contractDoc = join(repoRoot, 'docs/third-party-contract.md');

/** The title on the example's code fence, which is also the file name it is written to. */
export const EXAMPLE_FILE = 'example-proxy.mjs';

/** The example proxy's source, exactly as the docs show it. */
export function extractExample(): string {
  const markdown = readFileSync(contractDoc, 'utf8');
  const fence = /^```js title="example-proxy\.mjs"\n([\s\S]*?)^```$/m.exec(markdown);
  if (!fence?.[1]) throw new Error(`No \`\`\`js title="${EXAMPLE_FILE}" block in ${contractDoc}`);
  return fence[1];
}

/**
 * Type-checks the example in `folder` with the repository's compiler and the given options; the
 * result holds tsc's findings, empty when it passes. Asynchronous on purpose: a compiler run that
 * blocked the event loop would leave the HTTP client holding sockets the proxy has closed.
 */
export async function typeCheckExample(
  folder: string,
  compilerOptions: Record<string, unknown>,
): Promise<{ status: number; findings: string }> {
  const config = { compilerOptions: { ...compilerOptions, noEmit: true }, files: [EXAMPLE_FILE] };
  await writeFile(join(folder, 'tsconfig.json'), JSON.stringify(config));
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', '.'], { cwd: folder }, (error, stdout) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, findings: String(stdout) });
    });
  });
}

/** A configuration as an admin makes it in Signoff's settings: fresh secrets, a tenant id. */
export function newConfiguration() {
  return {
    accessToken: generateToken(),
    encodingAesKey: generateEncodingAesKey(),
    tenantId: `tenant-${generateToken(12)}`,
  };
}

export type Configuration = ReturnType<typeof newConfiguration>;

export interface CallbackReceiver {
  url: string;
  /** Resolves with the next callback that arrives, opened. */
  next(timeoutMs?: number): Promise<CallbackPayload>;
  close(): Promise<void>;
}

/** Signoff's callback endpoint: verifies, decrypts and acknowledges with the encrypted success. */
export async function startCallbackReceiver(config: Configuration): Promise<CallbackReceiver> {
  const crypto = new CallbackCrypto({
    token: config.accessToken,
    encodingAesKey: config.encodingAesKey,
    ownerKey: config.tenantId,
  });
  const arrived: CallbackPayload[] = [];
  const waiting: Array<(payload: CallbackPayload) => void> = [];
  // Why callbacks were refused, so that a test waiting for one can say what went wrong.
  const refused: string[] = [];

  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const query = new URL(request.url ?? '/', 'http://signoff').searchParams;
    try {
      const { encrypt } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        encrypt: string;
      };
      const message = await crypto.decrypt({
        signature: query.get('signature') ?? query.get('msg_signature') ?? '',
        timestamp: query.get('timestamp') ?? '',
        nonce: query.get('nonce') ?? '',
        encrypt,
      });
      const payload = JSON.parse(message) as CallbackPayload;
      const resolve = waiting.shift();
      if (resolve) resolve(payload);
      else arrived.push(payload);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(await crypto.encrypt('success')));
    } catch (error) {
      refused.push(String(error));
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { code: 'validation_failed', message: String(error) } }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/oa/bpms/integration/thirdparty/callback`,
    next(timeoutMs = 15_000) {
      const ready = arrived.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const why = refused.length > 0 ? `; refused: ${refused.join('; ')}` : '';
          reject(new Error(`no callback arrived${why}`));
        }, timeoutMs);
        waiting.push((payload) => {
          clearTimeout(timer);
          resolve(payload);
        });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Signoff's calls to a proxy at `url` (the Submit Approval Request URL). */
export function signoffClient(url: string, config: Configuration) {
  const call = async (path: string, body: unknown, accessToken = config.accessToken) => {
    const query = new URLSearchParams({ accessToken, timestamp: String(Date.now()) });
    const response = await fetch(`${url}${path}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, body: json as Record<string, unknown> };
  };

  return {
    connect: (accessToken?: string) =>
      call(THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' }, accessToken),
    submit: (applyId: string) => call(THIRD_PARTY_PATHS.create, submitBody(applyId, config)),
    get: (applyId: string, processInstanceId: string) =>
      call(THIRD_PARTY_PATHS.get, { applyId, processInstanceId }),
    terminate: (applyId: string, processInstanceId: string) =>
      call(THIRD_PARTY_PATHS.terminate, {
        applyId,
        processInstanceId,
        operator: 'src-rita',
        reason: 'no longer needed',
      }),
  };
}

/** A submit as Signoff's third-party connector sends it. */
export function submitBody(applyId: string, config: Configuration): SubmitRequest {
  const content: SubmitContent = {
    resourceType: 'TABLE',
    resource: { id: 'finance.general_ledger', name: 'General ledger' },
    permission: 'SELECT',
    grantees: [
      {
        userId: 'rita',
        userName: 'Rita Alvarez',
        period: { periodType: 'DAYS_30', periodEnd: '2026-02-01' },
      },
    ],
    environment: 'PROD',
    project: 'finance',
    reason: 'Month-end close',
    sensitivity: 'L3',
  };
  return {
    applyId,
    applyUser: 'src-rita',
    applyUserInfo: { userId: 'rita', userSourceId: 'src-rita', userName: 'Rita Alvarez' },
    tenantId: config.tenantId,
    title: 'Rita Alvarez requests SELECT on General ledger',
    content: JSON.stringify(content),
    type: 'AUTH',
    templateCode: '',
    approveNodes: [
      {
        approveOrder: 1,
        approveOperator: 'OR',
        approveUsers: [{ userId: 'sam', userSourceId: 'src-sam', userName: 'Sam Okafor' }],
      },
    ],
  };
}

export interface ProxyProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs the example proxy with `node <nodeArgs> <file>` in `cwd`, configured by environment
 * variables as its docs say, and waits until it passes a connection test.
 */
export async function startProxyProcess(options: {
  cwd: string;
  file: string;
  nodeArgs?: string[];
  port: number;
  config: Configuration;
  callbackUrl: string;
  approveAfterMs: number;
}): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.file], {
    cwd: options.cwd,
    env: {
      ...process.env,
      PORT: String(options.port),
      ACCESS_TOKEN: options.config.accessToken,
      ENCODING_AES_KEY: options.config.encodingAesKey,
      TENANT_ID: options.config.tenantId,
      CALLBACK_URL: options.callbackUrl,
      APPROVE_AFTER_MS: String(options.approveAfterMs),
    },
    // Its own process group, so stopping it stops anything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const url = `http://127.0.0.1:${options.port}`;
  const proxy = { url, output: () => output, stop: () => stopProcess(child) };
  const client = signoffClient(url, options.config);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the example proxy exited with code ${child.exitCode}:\n${output}`);
    }
    const ready = await client.connect().catch(() => undefined);
    if (ready?.status === 200) return proxy;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await proxy.stop();
  throw new Error(`the example proxy did not answer in time:\n${output}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    process.kill(-pid, 'SIGTERM');
  });
}

export interface RunningExample {
  proxy: ProxyProcess;
  receiver: CallbackReceiver;
  config: Configuration;
}

/**
 * What the example proxy must do as Signoff sees it, the same wherever it runs (against the
 * workspace SDK, or installed from the tarball). `running` is read when each test runs.
 */
export function exampleProxyChecks(running: () => RunningExample): void {
  const client = () => signoffClient(running().proxy.url, running().config);

  it('passes the connection test', async () => {
    expect(await client().connect()).toEqual({ status: 200, body: { checkResult: 'success' } });
  });

  it('refuses a wrong Access Token with the refusal of the contract', async () => {
    const reply = await client().connect('not-the-token');

    expect(reply).toEqual({
      status: 401,
      body: { success: false, code: 'ACCESS_TOKEN_INVALID', message: expect.any(String) },
    });
  });

  it('creates one approval per applyId and reports its approval in a callback', async () => {
    const applyId = `req-${generateToken(8)}`;

    const first = await client().submit(applyId);
    const repeated = await client().submit(applyId);
    const callback = await running().receiver.next();

    expect(first).toEqual({
      status: 200,
      body: { success: true, processInstanceId: expect.any(String) },
    });
    expect(repeated.body.processInstanceId).toBe(first.body.processInstanceId);
    expect(callback).toEqual({
      eventId: expect.any(String),
      applyId,
      processInstanceId: first.body.processInstanceId,
      status: 'APPROVED',
      approver: { userSourceId: 'src-sam', userName: 'Sam Okafor' },
      comment: expect.any(String),
      operateTime: expect.any(Number),
    });
    const state = await client().get(applyId, String(first.body.processInstanceId));
    expect(state).toMatchObject({
      status: 200,
      body: { success: true, status: 'APPROVED', approver: callback.approver },
    });
  });

  it('answers get for an unknown applyId with success false', async () => {
    const reply = await client().get('req-unknown', 'pi-unknown');

    expect(reply).toMatchObject({ status: 200, body: { success: false } });
  });

  it('answers 404 to terminate, which it does not serve', async () => {
    const reply = await client().terminate('req-unknown', 'pi-unknown');

    expect(reply.status).toBe(404);
  });
}
