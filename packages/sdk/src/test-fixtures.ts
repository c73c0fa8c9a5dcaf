// Calls as Signoff makes them, shared by the tests of the proxy core and its adapters. Not part of
// the published package (tsconfig.build.json leaves it out).

import type { ProxyHandlers, ProxyOptions } from './proxy.ts';
import type { SubmitContent, SubmitRequest } from './third-party.ts';

export const NOW = 1_700_000_000_000;
export const ACCESS_TOKEN = 'proxy-access-token-0123456789abcd';

export const content: SubmitContent = {
  resourceType: 'TABLE',
  resource: { id: 'db.sales.orders', name: 'orders' },
  permission: 'SELECT',
  grantees: [
    {
      userId: 'u-1',
      userName: 'Li Lei',
      period: { periodType: 'DAYS_30', periodEnd: '2022-07-01' },
    },
  ],
  environment: 'PROD',
  project: 'sales',
  reason: 'Quarterly report',
};

export const submitBody: SubmitRequest = {
  applyId: 'req_01HZX',
  applyUser: 'src-1',
  applyUserInfo: { userId: 'u-1', userSourceId: 'src-1', userName: 'Li Lei' },
  tenantId: 'tn_4f9c2a',
  title: 'SELECT on orders',
  content: JSON.stringify(content),
  type: 'AUTH',
  templateCode: '',
  approveNodes: [
    {
      approveOrder: 1,
      approveOperator: 'OR',
      approveUsers: [{ userId: 'u-2', userSourceId: 'src-2', userName: '韩梅梅' }],
    },
  ],
};

/** The query string Signoff adds to every call. */
export function signoffQuery(overrides: { accessToken?: string; timestamp?: string } = {}) {
  return new URLSearchParams({ accessToken: ACCESS_TOKEN, timestamp: String(NOW), ...overrides });
}

/** Options with a fixed clock and handlers that record what they were given. */
export function proxyOptions(
  handlers: Partial<ProxyHandlers> = {},
  extra: Partial<ProxyOptions> = {},
) {
  const submitted: Array<{ request: SubmitRequest; content: SubmitContent }> = [];
  const options: ProxyOptions = {
    accessToken: ACCESS_TOKEN,
    now: () => NOW,
    handlers: {
      submit: async (request, parsed) => {
        submitted.push({ request, content: parsed });
        return { processInstanceId: `pi-${request.applyId}` };
      },
      ...handlers,
    },
    ...extra,
  };
  return { options, submitted };
}
