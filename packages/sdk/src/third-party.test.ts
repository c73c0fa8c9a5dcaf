import { describe, expect, it } from 'vitest';
import {
  callbackBodySchema,
  callbackPayloadSchema,
  callbackReplySchema,
  connectReplySchema,
  connectRequestSchema,
  getReplySchema,
  getRequestSchema,
  MAX_CALLBACK_ID_LENGTH,
  operateTimeToDate,
  parseSubmitContent,
  proxyQuerySchema,
  refusalSchema,
  submitContentSchema,
  submitReplySchema,
  submitRequestSchema,
  THIRD_PARTY_CALLBACK_PATH,
  THIRD_PARTY_PATHS,
  terminateReplySchema,
  terminateRequestSchema,
} from './third-party.ts';

// Examples written from protocols.md, section 1.
const content = {
  resourceType: 'TABLE',
  resource: { id: 'prod.sales.orders', name: 'orders', owner: 'u-9' },
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

const submit = {
  applyId: 'req_01HZX',
  applyUser: 'u-1',
  applyUserInfo: { userId: 'u-1', userSourceId: 'src-1', userName: 'Li Lei' },
  tenantId: 'tn_4f9c2a',
  title: 'Read access to orders',
  content: JSON.stringify(content),
  type: 'AUTH',
  templateCode: '',
  approveNodes: [
    {
      approveOrder: 1,
      approveOperator: 'OR',
      approveUsers: [{ userId: 'u-2', userSourceId: 'src-2', userName: 'Han Meimei' }],
    },
  ],
};

const payload = {
  eventId: 'evt_1',
  applyId: 'req_01HZX',
  processInstanceId: 'pi_77',
  status: 'APPROVED',
  approver: { userSourceId: 'src-2', userName: 'Han Meimei' },
  comment: '',
  operateTime: 1656633600000,
};

const without = (value: Record<string, unknown>, key: string) => {
  const { [key]: _removed, ...rest } = value;
  return rest;
};

describe('third-party paths', () => {
  it('match the published Dataphin paths and Signoff callback path', () => {
    expect(THIRD_PARTY_PATHS.connect).toBe('/dataphin/bpms/check/connect');
    expect(THIRD_PARTY_PATHS.create).toBe('/dataphin/bpms/processinstance/create');
    expect(THIRD_PARTY_CALLBACK_PATH).toBe('/api/oa/bpms/integration/thirdparty/callback');
  });
});

describe('proxyQuerySchema', () => {
  it('accepts a token and a millisecond timestamp', () => {
    expect(
      proxyQuerySchema.safeParse({ accessToken: 'tok', timestamp: '1656633600000' }).success,
    ).toBe(true);
  });

  it('rejects a timestamp that is not digits', () => {
    expect(
      proxyQuerySchema.safeParse({ accessToken: 'tok', timestamp: '2022-07-01' }).success,
    ).toBe(false);
  });
});

describe('connection test schemas', () => {
  it('accept the connectivity check and its reply, keeping extra reply fields', () => {
    const reply = connectReplySchema.parse({ checkResult: 'success', version: '2' });

    expect(connectRequestSchema.parse({ checkEvent: 'connectivity' })).toEqual({
      checkEvent: 'connectivity',
    });
    expect(reply).toEqual({ checkResult: 'success', version: '2' });
  });

  it('reject another check event and a reply without checkResult', () => {
    expect(connectRequestSchema.safeParse({ checkEvent: 'ping' }).success).toBe(false);
    expect(connectReplySchema.safeParse({ result: 'success' }).success).toBe(false);
  });
});

describe('submitRequestSchema', () => {
  it('accepts a submit as Signoff sends it', () => {
    expect(submitRequestSchema.parse(submit)).toEqual(submit);
  });

  it('numbers approval steps from 1, as Signoff does', () => {
    const step = { approveOperator: 'OR', approveUsers: submit.approveNodes[0]?.approveUsers };
    const withOrder = (approveOrder: number) =>
      submitRequestSchema.safeParse({ ...submit, approveNodes: [{ ...step, approveOrder }] });

    expect(withOrder(1).success).toBe(true);
    expect(withOrder(0).success).toBe(false);
  });

  it.each([
    'applyId',
    'applyUser',
    'applyUserInfo',
    'tenantId',
    'title',
    'content',
    'type',
    'templateCode',
    'approveNodes',
  ])('rejects a submit without %s', (key) => {
    expect(submitRequestSchema.safeParse(without(submit, key)).success).toBe(false);
  });

  it('rejects an unknown approve operator and a type other than AUTH', () => {
    const node = { ...submit.approveNodes[0], approveOperator: 'XOR' };

    expect(submitRequestSchema.safeParse({ ...submit, approveNodes: [node] }).success).toBe(false);
    expect(submitRequestSchema.safeParse({ ...submit, type: 'DATA' }).success).toBe(false);
  });

  it('accepts an empty approveNodes list for systems that pick approvers themselves', () => {
    expect(submitRequestSchema.safeParse({ ...submit, approveNodes: [] }).success).toBe(true);
  });
});

describe('submitContentSchema', () => {
  it('parses the content string, keeping extra fields', () => {
    expect(parseSubmitContent(submit.content)).toEqual(content);
  });

  it('accepts a grantee period without an end', () => {
    const grantee = { userId: 'u-1', userName: 'Li Lei', period: { periodType: 'LONG_TERM' } };

    expect(submitContentSchema.safeParse({ ...content, grantees: [grantee] }).success).toBe(true);
  });

  it.each([
    'resourceType',
    'resource',
    'permission',
    'grantees',
    'environment',
    'project',
    'reason',
  ])('rejects content without %s', (key) => {
    expect(submitContentSchema.safeParse(without(content, key)).success).toBe(false);
  });

  it('rejects a period end that is not a calendar date', () => {
    const grantee = {
      userId: 'u-1',
      userName: 'x',
      period: { periodType: 'DAYS_30', periodEnd: 'July' },
    };

    expect(submitContentSchema.safeParse({ ...content, grantees: [grantee] }).success).toBe(false);
  });

  it('throws on a content string that is not JSON', () => {
    expect(() => parseSubmitContent('{not json')).toThrow(SyntaxError);
  });
});

describe('submitReplySchema', () => {
  it('accepts success with an instance id, and a failure with a code', () => {
    expect(submitReplySchema.parse({ success: true, processInstanceId: 'pi_77' })).toEqual({
      success: true,
      processInstanceId: 'pi_77',
    });
    expect(
      submitReplySchema.safeParse({
        success: false,
        code: 'BUSY',
        message: 'try later',
        retryable: true,
      }).success,
    ).toBe(true);
  });

  it('rejects success without an instance id, and a failure without a code', () => {
    expect(submitReplySchema.safeParse({ success: true }).success).toBe(false);
    const long = { success: true, processInstanceId: 'p'.repeat(MAX_CALLBACK_ID_LENGTH + 1) };
    expect(submitReplySchema.safeParse(long).success).toBe(false);
    expect(submitReplySchema.safeParse({ success: false, message: 'no' }).success).toBe(false);
  });
});

describe('refusalSchema', () => {
  it('accepts the two refusal codes only', () => {
    const refusal = { success: false, code: 'TIMESTAMP_OUT_OF_WINDOW', message: 'clock' };

    expect(refusalSchema.safeParse(refusal).success).toBe(true);
    expect(refusalSchema.safeParse({ ...refusal, code: 'ACCESS_TOKEN_INVALID' }).success).toBe(
      true,
    );
    expect(refusalSchema.safeParse({ ...refusal, code: 'FORBIDDEN' }).success).toBe(false);
  });
});

describe('callbackPayloadSchema', () => {
  it('accepts a payload with an empty comment', () => {
    expect(callbackPayloadSchema.parse(payload)).toEqual(payload);
  });

  it.each([
    'eventId',
    'applyId',
    'processInstanceId',
    'status',
    'approver',
    'comment',
    'operateTime',
  ])('rejects a payload without %s', (key) => {
    expect(callbackPayloadSchema.safeParse(without(payload, key)).success).toBe(false);
  });

  it('rejects an unknown status', () => {
    expect(callbackPayloadSchema.safeParse({ ...payload, status: 'AGREE' }).success).toBe(false);
  });

  it('bounds ids at 256 characters and the comment at 4000, since both are stored and logged', () => {
    const at = (extra: object) => callbackPayloadSchema.safeParse({ ...payload, ...extra }).success;

    expect(at({ eventId: 'e'.repeat(256) })).toBe(true);
    expect(at({ eventId: 'e'.repeat(257) })).toBe(false);
    expect(at({ applyId: 'a'.repeat(30_000) })).toBe(false);
    expect(at({ comment: 'c'.repeat(4000) })).toBe(true);
    expect(at({ comment: 'c'.repeat(4001) })).toBe(false);
  });

  it.each([
    [1656633600000, '2022-07-01T00:00:00.000Z'],
    ['1656633600000', '2022-07-01T00:00:00.000Z'],
    ['2022-07-01T08:00:00+08:00', '2022-07-01T00:00:00.000Z'],
  ])('reads operateTime %s', (operateTime, iso) => {
    const parsed = callbackPayloadSchema.parse({ ...payload, operateTime });

    expect(operateTimeToDate(parsed.operateTime).toISOString()).toBe(iso);
  });

  it('rejects an operateTime that is neither epoch milliseconds nor ISO 8601', () => {
    expect(callbackPayloadSchema.safeParse({ ...payload, operateTime: 'yesterday' }).success).toBe(
      false,
    );
    expect(callbackPayloadSchema.safeParse({ ...payload, operateTime: -1 }).success).toBe(false);
  });
});

describe('callback envelope schemas', () => {
  it('accept a body and a reply, and reject them without encrypt', () => {
    const reply = { msg_signature: 'ab', timeStamp: '1', nonce: 'n', encrypt: 'e' };

    expect(callbackBodySchema.safeParse({ encrypt: 'abc=' }).success).toBe(true);
    expect(callbackBodySchema.safeParse({}).success).toBe(false);
    expect(callbackReplySchema.safeParse(reply).success).toBe(true);
    expect(callbackReplySchema.safeParse(without(reply, 'encrypt')).success).toBe(false);
  });
});

describe('optional call schemas', () => {
  const ids = { applyId: 'req_01HZX', processInstanceId: 'pi_77' };

  it('accept get and terminate requests, and reject them without an instance id', () => {
    const terminate = { ...ids, operator: 'src-1', reason: 'no longer needed' };

    expect(getRequestSchema.safeParse(ids).success).toBe(true);
    expect(getRequestSchema.safeParse({ applyId: 'req_01HZX' }).success).toBe(false);
    expect(terminateRequestSchema.safeParse(terminate).success).toBe(true);
    expect(terminateRequestSchema.safeParse(without(terminate, 'processInstanceId')).success).toBe(
      false,
    );
  });

  it('accept a running get reply and require a status on success', () => {
    expect(getReplySchema.safeParse({ success: true, status: 'RUNNING' }).success).toBe(true);
    expect(getReplySchema.safeParse({ success: true }).success).toBe(false);
    expect(getReplySchema.safeParse({ success: false, code: 'NOT_FOUND' }).success).toBe(true);
  });

  it('accept a terminate reply with or without a code', () => {
    expect(terminateReplySchema.safeParse({ success: true }).success).toBe(true);
    expect(
      terminateReplySchema.safeParse({ success: false, code: 'X', message: 'y' }).success,
    ).toBe(true);
    expect(terminateReplySchema.safeParse({ code: 'X' }).success).toBe(false);
  });
});
