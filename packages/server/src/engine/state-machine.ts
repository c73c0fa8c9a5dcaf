// The life of a request (product.md, "A request's life"), as data. Everything that moves a
// request goes through `nextState`; the store then makes the move a conditional update so that
// only one writer can win it.
import { finalStates, type RequestState } from '@signoff/contracts';

/** What can happen to a request. `dispatched` and `dispatch_gave_up` come from the outbox. */
export const requestEvents = [
  'dispatched',
  'dispatch_gave_up',
  'approve',
  'reject',
  'revoke',
  'force_revoke',
  'retry',
] as const;
export type RequestEvent = (typeof requestEvents)[number];

// Decisions and revokes are accepted from every state that is not final: an external system can
// decide before Signoff hears the reply to its submit, so `pending_dispatch` and
// `dispatch_failed` take them too.
const decisions = {
  approve: 'approved',
  reject: 'rejected',
  revoke: 'revoked',
  force_revoke: 'force_revoked',
} as const satisfies Partial<Record<RequestEvent, RequestState>>;

// An absent entry is "no change". Final states have no entries at all: nothing reopens them.
const transitions: Record<RequestState, Partial<Record<RequestEvent, RequestState>>> = {
  pending_dispatch: { dispatched: 'pending', dispatch_gave_up: 'dispatch_failed', ...decisions },
  pending: { ...decisions },
  dispatch_failed: { ...decisions, retry: 'pending_dispatch' },
  approved: {},
  rejected: {},
  revoked: {},
  force_revoked: {},
};

/** The state `event` moves a request in `state` to, or null when it changes nothing. */
export function nextState(state: RequestState, event: RequestEvent): RequestState | null {
  return transitions[state][event] ?? null;
}

/** Final states never change again. */
export function isFinal(state: RequestState): boolean {
  return finalStates.includes(state);
}

export function isRequestState(value: string): value is RequestState {
  return Object.hasOwn(transitions, value);
}
