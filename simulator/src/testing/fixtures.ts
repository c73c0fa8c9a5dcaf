// Values for the simulator's tests, written out literally from docs/third-party-contract.md, with
// the values Signoff sends (see the server's third-party connector), so that a
// change of the SDK's schemas that breaks the published wire format shows up as a failing test.

/** A connection as an admin would copy it from Signoff (the callback URL is filled in per test). */
export const connectionValues = {
  accessToken: 'sim-test-access-token-5b1e',
  encodingAesKey: 'Qk7n2Rv9Xw4Lp8Zt3Hc6Ym1Jd5Fs0Gb2Nq4Ve7Ua9Ko',
  tenantId: 'tenant-3f9c2a',
} as const;

/** A submit body exactly as Signoff sends it to `…/dataphin/bpms/processinstance/create`. */
export const submitBody = {
  applyId: 'req-20240601-0001',
  applyUser: 'u-1001',
  applyUserInfo: { userId: 'u-1001', userSourceId: 'src-1001', userName: 'Li Lei' },
  tenantId: 'tenant-3f9c2a',
  title: 'Li Lei: read access to orders',
  content: JSON.stringify({
    resourceType: 'table',
    resource: { id: 'db.sales.orders', name: 'orders' },
    permission: 'read',
    grantees: [
      {
        userId: 'u-1001',
        userName: 'Li Lei',
        period: { periodType: 'DAYS_30', periodEnd: '2022-07-01' },
      },
    ],
    environment: 'prod',
    project: 'sales',
    reason: 'Quarterly report',
    sensitivity: 'L2',
  }),
  type: 'AUTH',
  templateCode: '',
  approveNodes: [
    {
      approveOrder: 1,
      approveOperator: 'OR',
      approveUsers: [{ userId: 'u-2001', userSourceId: 'src-2001', userName: 'Han Meimei' }],
    },
  ],
};
