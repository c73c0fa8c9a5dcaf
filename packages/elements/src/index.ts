// The classes, controllers and types of Signoff's elements, without registering any tag: import
// `./define.ts` (or one element's own entry) for that.
export { ApprovalSettings } from './approval-settings/approval-settings.ts';
export type {
  FieldChecks,
  SecretField,
  SettingsForm,
  SystemField,
  SystemForm,
} from './approval-settings/settings-form.ts';
export {
  checkField,
  checkForm,
  formFromView,
  formToInput,
  systemToInput,
} from './approval-settings/settings-form.ts';
export { SignoffSystemForm } from './approval-settings/system-form.ts';
export {
  ApiClient,
  type ApiClientOptions,
  ApiError,
  type ApiErrorCode,
  type RequestOptions,
  type RoutePath,
  type SignoffRoutes,
} from './controllers/api-client.ts';
export {
  ApiController,
  type ApiControllerOptions,
  type ApiHost,
} from './controllers/api-controller.ts';
export { type SignoffConfig, signoffContext } from './controllers/context.ts';
export {
  describeApiError,
  LocalizeController,
  langOf,
  matchLang,
  type SupportedLang,
  type Translation,
  translations,
} from './controllers/localize.ts';
export { sharedStyles, themeProperties, themeTokens } from './controllers/theme.ts';
export type {
  SignoffAction,
  SignoffChangeDetail,
  SignoffErrorDetail,
  SignoffEventMap,
  SignoffSaveDetail,
  SignoffTestConnectionDetail,
} from './events.ts';
export { generateSecret, SECRET_ALPHABET } from './utils/generate-secret.ts';
