import type { SubmitRequest } from '@signoff/sdk';

/**
 * The submit the kit sends, with the values Signoff sends (lower-case `resourceType`,
 * `permission` of read, write or export, a title "<requester>: <permission> access to <asset>").
 * Written out literally from docs/third-party-contract.md rather than built from the SDK's types,
 * so that a change of the SDK that breaks the published wire format does not go unnoticed by the
 * kit too. `sensitivity` (L1 to L4) is Signoff's own addition to `content`.
 */
export function kitSubmitBody(applyId: string, tenantId: string): SubmitRequest {
  return {
    applyId,
    applyUser: 'kit-requester',
    applyUserInfo: {
      userId: 'kit-requester',
      userSourceId: 'kit-requester-src',
      userName: 'Rita Alvarez',
    },
    tenantId,
    title: 'Rita Alvarez: read access to General ledger',
    content: JSON.stringify({
      resourceType: 'table',
      resource: { id: 'finance.general_ledger', name: 'General ledger' },
      permission: 'read',
      grantees: [
        {
          userId: 'kit-requester',
          userName: 'Rita Alvarez',
          period: { periodType: 'DAYS_30', periodEnd: '2030-01-31' },
        },
      ],
      environment: 'prod',
      project: 'finance',
      reason: 'Month-end close (sent by the Signoff contract kit)',
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
