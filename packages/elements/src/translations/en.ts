// The English table is the reference: its shape is the `Translation` type that every other
// language must fill completely. Keys are grouped by where the text appears.
import type { TestFailureReason } from '@signoff/contracts';
import { FIELD_MESSAGES_EN } from '@signoff/contracts/rules';

export const en = {
  $code: 'en',

  // Shared
  copy: 'Copy',
  copyNamed: (field: string) => `Copy ${field}`,
  copied: (field: string) => `${field} copied.`,
  copySelected: (field: string) => `${field} is selected: press Ctrl+C (⌘C on a Mac) to copy it.`,
  generate: 'Generate',
  generateNamed: (field: string) => `Generate ${field}`,
  retry: 'Retry',
  reload: 'Reload',

  // Loading
  loading: 'Loading approval settings…',
  signInRequired: 'Sign in to see approval settings.',
  unreachable: 'The Signoff server could not be reached. Check the connection and try again.',
  loadFailed: (message: string) => `Approval settings could not be loaded. ${message}`,

  // The settings form
  title: 'Approval settings',
  readOnlyNote:
    'You can view these settings, but only super administrators and system administrators can change them.',
  externalEnabled: 'External approval system',
  externalOffHint: 'Off: every request goes to the built-in approval system.',
  defaultSystem: 'Default approval system',
  defaultSystemHint: 'New requests go here unless their template names another system.',
  builtinSystem: 'Built-in',
  systemsHeading: 'External approval systems',
  noSystems: 'No external approval system is configured yet.',
  addOther: 'Add Other system',
  addDingtalk: 'Add DingTalk OA system',
  lastSaved: (when: string, who: string) => `Last saved ${when} by ${who}.`,

  // One configuration
  newOtherSystem: 'New Other system',
  newDingtalkSystem: 'New DingTalk OA system',
  kindOther: 'Other (third party)',
  kindDingtalk: 'DingTalk OA',
  retiredNote: 'Retired: it is kept only to answer requests still in progress.',
  fieldName: 'Approval system name',
  fieldSubmitUrl: 'Submit Approval Request URL',
  fieldAccessToken: 'Access Token',
  fieldEncodingAesKey: 'Encoding AES Key',
  fieldCallbackUrl: 'Callback URL',
  fieldTenantId: 'Tenant ID',
  fieldApiBaseUrl: 'API Address',
  fieldAppKey: 'AppKey',
  fieldAppSecret: 'AppSecret',
  fieldToken: 'Token',
  fieldAgentId: 'AgentId',
  fieldCorpId: 'Corp ID',
  advanced: 'Advanced',
  tenantIdHint: 'Every callback from this system must carry this tenant id.',
  callbackUrlHint:
    'Give this address to the other side. Change it only if it reaches Signoff by another address.',
  corpIdHint:
    'Only needed when callbacks must be checked against a specific DingTalk organisation.',
  secretSaved: 'Saved — type to replace',
  /** A saved secret's placeholder for an admin who may only look. */
  secretSavedReadOnly: 'Saved',
  secretUnsaved: 'Copy it now: once saved it can be replaced but never shown again.',
  resetCallbackUrl: 'Reset callback URL',
  remove: 'Remove',
  /** The link to the SDK tarball that third-party proxies are written with. */
  downloadSdk: 'Download the SDK',

  // Test Connection
  testConnection: 'Test Connection',
  testing: (seconds: number) => `Testing… ${seconds} s`,
  testSucceeded: (milliseconds: number) => `Connection succeeded (${milliseconds} ms).`,
  testFailed: (reason: string) => `Connection failed: ${reason}.`,
  testHttpStatus: (status: number) => `HTTP status: ${status}`,
  testRemoteCode: (code: string) => `Remote error code: ${code}`,
  testNotRun: (message: string) => `The test could not run. ${message}`,
  testReasons: {
    invalid_url: 'the address is not a valid http(s) URL',
    blocked_address: 'the address is private, loopback or link-local and not allowed',
    dns: 'the host name could not be resolved',
    refused: 'the connection was refused',
    timeout: 'the system did not answer in time',
    tls: 'the secure connection (TLS) failed',
    network: 'a network error occurred',
    http_status: 'the system answered with an unexpected HTTP status',
    bad_credentials: 'the credentials were rejected',
    unexpected_reply: 'the reply could not be understood',
    missing_secret: 'a secret is missing',
  } satisfies Record<TestFailureReason, string>,

  // Saving
  save: 'Save',
  saving: 'Saving…',
  discard: 'Discard',
  unsavedChanges: 'Unsaved changes',
  saved: 'Settings saved',
  fixFields: (count: number) =>
    count === 1 ? 'One field needs attention.' : `${count} fields need attention.`,
  hiddenSystemErrors:
    'A configured system has mistakes. Turn on External approval system to see and fix them.',
  saveFailed: (message: string) => `Settings were not saved. ${message}`,
  versionConflict:
    'Someone else saved approval settings after you opened them. Reload to see their version (your unsaved changes will be lost).',
  actionFailed: (message: string) => `That did not work. ${message}`,

  /** Field mistakes, by the message key the server and the form checks share. */
  fieldMessages: { ...FIELD_MESSAGES_EN },
};

/** The shape every translation fills. */
export type Translation = typeof en;
