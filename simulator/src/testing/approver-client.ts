import { THIRD_PARTY_PATHS } from '@signoff/sdk';
import type { ArmedFault, FaultKind, FiredFault } from '../third-party/faults.ts';
import type { ApprovalInstance } from '../third-party/instances.ts';
import type { Policy, PolicyInput } from '../third-party/policy.ts';

/** The query parameters Signoff adds to every call; tests override them to get refused. */
export interface CallQuery {
  accessToken?: string;
  timestamp?: string;
}

/**
 * Drives a running simulator over HTTP: its wire calls as Signoff makes them, and its JSON API as
 * the console uses it. Plain `fetch`, so what is tested is what goes over the network.
 */
export function approverClient(simulatorUrl: string, options: { accessToken: string }) {
  const api = `${simulatorUrl}/third-party/api`;
  const sendJson = (method: string, url: string, body?: unknown) =>
    fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const client = {
    /** POSTs a body (or a raw string) to a wire path, with the Access Token and a timestamp. */
    call(path: string, body: unknown, query: CallQuery = {}, init: { signal?: AbortSignal } = {}) {
      const url = new URL(`${simulatorUrl}/third-party${path}`);
      url.searchParams.set('accessToken', query.accessToken ?? options.accessToken);
      url.searchParams.set('timestamp', query.timestamp ?? String(Date.now()));
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: init.signal,
      });
    },

    async submit(body: unknown) {
      const response = await client.call(THIRD_PARTY_PATHS.create, body);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },

    async instances(): Promise<ApprovalInstance[]> {
      const response = await fetch(`${api}/instances`);
      return ((await response.json()) as { instances: ApprovalInstance[] }).instances;
    },

    async instance(processInstanceId: string): Promise<ApprovalInstance | undefined> {
      const instances = await client.instances();
      return instances.find((instance) => instance.processInstanceId === processInstanceId);
    },

    /** Approves, rejects or resends the callbacks of an instance, as the console's buttons do. */
    act(processInstanceId: string, action: 'approve' | 'reject' | 'redeliver', body?: unknown) {
      return sendJson('POST', `${api}/instances/${processInstanceId}/${action}`, body);
    },

    async policy(): Promise<{ policy: Policy; summary: string }> {
      return (await fetch(`${api}/policy`)).json() as Promise<{ policy: Policy; summary: string }>;
    },

    setPolicy(policy: PolicyInput | unknown) {
      return sendJson('PUT', `${api}/policy`, policy);
    },

    armFault(
      kind: FaultKind | string,
      options: { times?: number | null; delaySeconds?: number } = {},
    ) {
      return sendJson('PUT', `${api}/faults/${kind}`, options);
    },

    clearFault(kind?: FaultKind) {
      return sendJson('DELETE', kind ? `${api}/faults/${kind}` : `${api}/faults`);
    },

    async faults(): Promise<{ faults: ArmedFault[]; fired: FiredFault[] }> {
      return (await fetch(`${api}/faults`)).json() as Promise<{
        faults: ArmedFault[];
        fired: FiredFault[];
      }>;
    },
  };
  return client;
}

export type ApproverClient = ReturnType<typeof approverClient>;
