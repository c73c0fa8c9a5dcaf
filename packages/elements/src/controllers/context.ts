// One place for a page to hand every Signoff element its API address and token. A host that
// embeds several elements provides the value once, on a common ancestor:
//
//   new ContextProvider(document.body, { context: signoffContext, initialValue: { apiBase, token } });
//
// An element's own `api-base` attribute and `token` property win over the provided value.
import { createContext } from '@lit/context';

/** Where the Signoff API lives and the bearer token to call it with. */
export interface SignoffConfig {
  /** The API's base address; an empty string means the page's own origin. */
  apiBase: string;
  /** The host portal's bearer token for the signed-in user. */
  token: string;
}

export const signoffContext = createContext<SignoffConfig | undefined>(Symbol('signoff-config'));
