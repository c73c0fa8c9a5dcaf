// Public API of @signoff/sdk: what a proxy between Signoff and a third-party approval system
// needs, and the callback crypto Signoff itself shares with it. Each export is documented where
// it is defined. The adapters live at their own subpaths, `@signoff/sdk/hono` and
// `@signoff/sdk/node`, so that importing this entry loads neither Hono nor Node's modules.

export {
  DEFAULT_TIMESTAMP_WINDOW_MS,
  type ProxyCallVerdict,
  type VerifyProxyCallOptions,
  verifyProxyCall,
} from './access.ts';
export {
  CallbackCrypto,
  CallbackCryptoError,
  type CallbackCryptoErrorCode,
  type CallbackCryptoOptions,
  type EncryptedCallback,
  type EncryptedEnvelope,
  type EncryptOptions,
  generateEncodingAesKey,
  generateToken,
  signCallback,
} from './callback-crypto.ts';
export {
  type BuiltCallback,
  buildCallback,
  CallbackSendError,
  type CallbackSendErrorCode,
  type SendCallbackOptions,
  type SendCallbackResult,
  sendCallback,
} from './callback-sender.ts';
export {
  type CallbackClient,
  type CallbackClientOptions,
  type CallbackDecision,
  type CallbackDelivery,
  createCallbackClient,
} from './callbacks.ts';
export {
  createProxyHandler,
  createProxyRoutes,
  type ProxyErrorCode,
  type ProxyHandler,
  type ProxyHandlers,
  type ProxyOptions,
  type SubmitAccepted,
  type SubmitDeclined,
} from './proxy.ts';
export * from './third-party.ts';
