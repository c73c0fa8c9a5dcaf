// Field rules shared by the server's schemas and the elements' form checks. They are plain
// constants (no zod) so that the browser bundle can use them without pulling in a validator,
// and so that both sides report the same message key for the same mistake.

/** Longest approval system name, in characters. */
export const NAME_MAX_LENGTH = 128;

/** Longest free text (a request's reason), in characters. */
export const TEXT_MAX_LENGTH = 2000;

/** Longest URL accepted in any settings field. */
export const URL_MAX_LENGTH = 2048;

/** Encoding AES Key: 43 letters and digits, as DingTalk's callback envelope requires. */
export const ENCODING_AES_KEY_PATTERN = /^[A-Za-z0-9]{43}$/;

/** DingTalk's callback Token: 3 to 32 letters and digits. */
export const DINGTALK_TOKEN_PATTERN = /^[A-Za-z0-9]{3,32}$/;

/** DingTalk AgentId: digits only. */
export const AGENT_ID_PATTERN = /^[0-9]{1,20}$/;

/** A third-party Access Token travels in a query string, so it is kept to URL-safe characters. */
export const ACCESS_TOKEN_PATTERN = /^[A-Za-z0-9._~-]{8,256}$/;

/** Tenant ids are minted by the server; the pattern only guards what comes back from a client. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/** Ids of approval systems: a UUID minted by the server. */
export const SYSTEM_ID_PATTERN = /^[0-9a-f-]{36}$/;

/** The built-in approval system's fixed id. */
export const BUILTIN_SYSTEM_ID = 'builtin';

/** Path of the DingTalk callback endpoint under the public base URL. */
export const DINGTALK_CALLBACK_PATH = '/task/callback';

/** Path of the third-party callback endpoint under the public base URL. */
export const THIRD_PARTY_CALLBACK_PATH = '/api/oa/bpms/integration/thirdparty/callback';

/** Default DingTalk API address (the v1.0 API family). */
export const DINGTALK_DEFAULT_API_BASE = 'https://api.dingtalk.com';

/**
 * Message keys name a mistake independently of language. The server sends the key with an
 * English message; the elements translate the key.
 */
export type FieldMessageKey =
  | 'required'
  | 'tooLong'
  | 'url'
  | 'encodingAesKey'
  | 'dingtalkToken'
  | 'agentId'
  | 'accessToken'
  | 'duplicateToken'
  | 'duplicateName'
  | 'textTooLong'
  | 'unknownSystem'
  | 'tenantIdChanged'
  | 'invalid';

/** English text for each message key, used by the server and as the elements' fallback. */
export const FIELD_MESSAGES_EN: Record<FieldMessageKey, string> = {
  required: 'This field is required.',
  tooLong: `Must be at most ${NAME_MAX_LENGTH} characters.`,
  url: 'Must be an http:// or https:// URL.',
  encodingAesKey: 'Must be exactly 43 letters and digits.',
  dingtalkToken: 'Must be 3 to 32 letters and digits.',
  agentId: 'Must be digits only.',
  accessToken: 'Must be 8 to 256 letters, digits or . _ ~ -.',
  duplicateToken: 'Another approval system already uses this token.',
  duplicateName: 'Another approval system already has this name.',
  textTooLong: `Must be at most ${TEXT_MAX_LENGTH} characters.`,
  unknownSystem: 'No approval system with this id exists.',
  tenantIdChanged: 'The tenant id of an existing configuration cannot change.',
  invalid: 'This value is not valid.',
};

/**
 * Length as a person counts it: Unicode code points, so an emoji or a rare CJK character counts
 * once, not as the two UTF-16 units JavaScript's `length` sees. Server and elements both use it.
 */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/** True when `value` is an absolute http(s) URL of acceptable length. */
export function isHttpUrl(value: string): boolean {
  if (value.length === 0 || value.length > URL_MAX_LENGTH) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
