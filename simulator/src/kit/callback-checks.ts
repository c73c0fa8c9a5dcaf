import { callbackPayloadSchema } from '@signoff/sdk';
import type { ReceivedCallback } from './callback-listener.ts';
import { type CheckId, type CheckResult, checkResult } from './checks.ts';
import type { StepVerdict } from './envelope.ts';

/** What the callback must carry back, and where and how long the kit waited for it. */
export interface CallbackExpectations {
  applyId: string;
  processInstanceId: string;
  callbackUrl: string;
  timeoutMs: number;
  /** When the submit was sent, in milliseconds since the epoch. */
  submittedAt: number;
}

const ENVELOPE_CHECKS = [
  'callback-signature',
  'callback-encryption',
  'callback-owner-key',
  'callback-payload',
] as const satisfies CheckId[];

/** True for a callback about the kit's submit, or one that cannot be told apart: judge it. */
export function concernsSubmit(callback: ReceivedCallback, expected: CallbackExpectations) {
  const { payload } = callback;
  if (typeof payload !== 'object' || payload === null) return true;
  const ids = payload as { applyId?: unknown; processInstanceId?: unknown };
  return ids.applyId === expected.applyId || ids.processInstanceId === expected.processInstanceId;
}

/** 5. The callback: it arrived, and its signature, encryption, owner key and payload. */
export function callbackChecks(
  callback: ReceivedCallback | undefined,
  expected: CallbackExpectations,
  othersSeen: number,
): CheckResult[] {
  if (!callback) {
    const others =
      othersSeen > 0
        ? ` ${othersSeen} callback(s) about other requests arrived meanwhile and were answered.`
        : '';
    return [
      checkResult(
        'callback-received',
        'fail',
        `no callback for applyId ${expected.applyId} arrived at ${expected.callbackUrl} within ` +
          `${expected.timeoutMs / 1000} s. Set the proxy's callback URL to that address, and ` +
          'decide the request (titled "Signoff contract kit: …") in the approval system.' +
          others,
      ),
      ...ENVELOPE_CHECKS.map((id) => checkResult(id, 'skip', 'no callback arrived.')),
    ];
  }

  const { inspection } = callback;
  const seconds = ((callback.at - expected.submittedAt) / 1000).toFixed(1);
  const answer =
    callback.answeredWith === 200
      ? 'the kit answered with the encrypted "success"'
      : `the kit refused it with HTTP ${callback.answeredWith}, as a strict Signoff would`;
  return [
    checkResult('callback-received', 'pass', `${seconds} s after the submit; ${answer}.`),
    fromStep('callback-signature', inspection.signature),
    fromStep('callback-encryption', inspection.encryption),
    fromStep('callback-owner-key', inspection.ownerKey),
    checkPayload(callback, expected),
  ];
}

function fromStep(id: CheckId, step: StepVerdict): CheckResult {
  return checkResult(id, step.outcome, step.detail);
}

function checkPayload(callback: ReceivedCallback, expected: CallbackExpectations): CheckResult {
  if (callback.inspection.message === undefined) {
    return checkResult('callback-payload', 'skip', 'the message could not be decrypted.');
  }
  if (typeof callback.payload !== 'object' || callback.payload === null) {
    return checkResult(
      'callback-payload',
      'fail',
      'the decrypted message is not a JSON object; send the payload as JSON.',
    );
  }

  const payload = callback.payload as Record<string, unknown>;
  const problems = schemaProblems(payload);
  if (payload.applyId !== undefined && payload.applyId !== expected.applyId) {
    problems.push(
      `applyId is ${JSON.stringify(payload.applyId)}, not the submit's ${expected.applyId}`,
    );
  }
  if (
    payload.processInstanceId !== undefined &&
    payload.processInstanceId !== expected.processInstanceId
  ) {
    problems.push(
      `processInstanceId is ${JSON.stringify(payload.processInstanceId)}, not ${expected.processInstanceId} as the submit's reply said`,
    );
  }

  if (problems.length === 0) {
    const approver = (payload.approver as { userName: string }).userName;
    return checkResult(
      'callback-payload',
      'pass',
      `${payload.status} by ${approver}, event ${payload.eventId}; applyId and processInstanceId match the submit.`,
    );
  }
  return checkResult(
    'callback-payload',
    'fail',
    `${problems.join('; ')}. A callback carries eventId, applyId (the submit's, which is how ` +
      'Signoff finds the request), processInstanceId (from the submit reply), status (APPROVED, ' +
      'REJECTED or REVOKED), approver {userSourceId, userName}, comment and operateTime.',
  );
}

/** One phrase per field the SDK's schema refuses: "applyId is missing", "status: …". */
function schemaProblems(payload: Record<string, unknown>): string[] {
  const parsed = callbackPayloadSchema.safeParse(payload);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let value: unknown = payload;
    for (const key of issue.path)
      value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    return value === undefined ? `${path} is missing` : `${path}: ${issue.message}`;
  });
}
