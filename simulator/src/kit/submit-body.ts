import type { SubmitRequest } from '@signoff/sdk';

/**
 * The submit the kit sends, written out literally from protocols.md section 1 rather than built
 * from the SDK's types, so that a change of the SDK that breaks the published wire format does
 * not go unnoticed by the kit too. `sensitivity` is Signoff's own addition to `content`.
 */
export function kitSubmitBody(applyId: string, tenantId: string): SubmitRequest {
  return {
    applyId,
    applyUser: 'kit-requester',
    applyUserInfo: {
      userId: 'kit-requester',
      userSourceId: 'kit-requester-src',
      userName: 'Contract Kit Requester',
    },
    tenantId,
    title: `Signoff contract kit: SELECT on kit.orders (${applyId})`,
    content: JSON.stringify({
      resourceType: 'TABLE',
      resource: { id: 'kit.sales.orders', name: 'orders' },
      permission: 'SELECT',
      grantees: [
        {
          userId: 'kit-requester',
          userName: 'Contract Kit Requester',
          period: { periodType: 'DAYS_30', periodEnd: '2030-01-31' },
        },
      ],
      environment: 'PROD',
      project: 'kit',
      reason: 'Checking the proxy against the Signoff contract',
      sensitivity: 'L3',
    }),
    type: 'AUTH',
    templateCode: '',
    approveNodes: [
      {
        approveOrder: 1,
        approveOperator: 'OR',
        approveUsers: [
          { userId: 'kit-approver', userSourceId: 'kit-approver-src', userName: 'Kit Approver' },
        ],
      },
    ],
  };
}
