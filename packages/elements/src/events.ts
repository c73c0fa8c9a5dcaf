// The public events of Signoff elements: prefixed, bubbling, composed, with a typed `detail`.
import type { SettingsView, TestConnectionResult } from '@signoff/contracts';
import type { ApiErrorCode } from './controllers/api-client.ts';

/** Detail of `signoff-change`: whether the element now holds unsaved changes. */
export interface SignoffChangeDetail {
  dirty: boolean;
}

/** Detail of `signoff-save`: the settings as the server recorded them. */
export interface SignoffSaveDetail {
  settings: SettingsView;
}

/** What the admin (or, for `load`, the element) was doing when an error happened. */
export type SignoffAction = 'load' | 'save' | 'add-system' | 'test-connection';

/** Detail of `signoff-error`. `status` is the HTTP status, 0 when no reply arrived. */
export interface SignoffErrorDetail {
  action: SignoffAction;
  code: ApiErrorCode;
  message: string;
  status: number;
}

/** Detail of `signoff-test-connection`: which configuration was tested and what came back. */
export interface SignoffTestConnectionDetail {
  systemId: string;
  result: TestConnectionResult;
}

export interface SignoffEventMap {
  'signoff-change': CustomEvent<SignoffChangeDetail>;
  'signoff-save': CustomEvent<SignoffSaveDetail>;
  'signoff-error': CustomEvent<SignoffErrorDetail>;
  'signoff-test-connection': CustomEvent<SignoffTestConnectionDetail>;
}

declare global {
  interface HTMLElementEventMap extends SignoffEventMap {}
}

type DetailOf<K extends keyof SignoffEventMap> =
  SignoffEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Fires a public Signoff event from `target`. */
export function emit<K extends keyof SignoffEventMap>(
  target: EventTarget,
  type: K,
  detail: DetailOf<K>,
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
