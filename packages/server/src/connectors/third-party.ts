// The third-party ("Other") approval system: outbound calls in third-party/connector.ts,
// incoming callbacks in third-party/callback.ts.

export {
  type ThirdPartyCallbackInput,
  type VerifiedCallback,
  verifyThirdPartyCallback,
} from './third-party/callback.ts';
export {
  createThirdPartyConnector,
  type ThirdPartyConnectorOptions,
} from './third-party/connector.ts';
