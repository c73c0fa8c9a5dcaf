// Connects an element to the Signoff API: it reads the address and token from the element's own
// `apiBase` / `token` properties, else from `signoffContext`, and tells the element when they
// change so that it can load again.
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiClient } from './api-client.ts';
import { type SignoffConfig, signoffContext } from './context.ts';

/** An element that talks to the API: its own settings win over the provided context. */
export interface ApiHost extends ReactiveControllerHost, HTMLElement {
  apiBase?: string;
  token?: string;
}

export interface ApiControllerOptions {
  /**
   * Called before an update when the address or token in effect changed, including the first
   * time the element connects. `previous` is undefined then.
   */
  onConfigChange: (config: SignoffConfig, previous: SignoffConfig | undefined) => void;
}

export class ApiController implements ReactiveController {
  private readonly host: ApiHost;
  private readonly options: ApiControllerOptions;
  private readonly provided: ContextConsumer<typeof signoffContext, ApiHost>;
  private last?: SignoffConfig;

  constructor(host: ApiHost, options: ApiControllerOptions) {
    this.host = host;
    this.options = options;
    this.provided = new ContextConsumer(host, { context: signoffContext, subscribe: true });
    host.addController(this);
  }

  /** The address and token in effect. */
  get config(): SignoffConfig {
    const provided = this.provided.value;
    return {
      apiBase: this.host.apiBase ?? provided?.apiBase ?? '',
      token: this.host.token ?? provided?.token ?? '',
    };
  }

  /** A client for the address and token in effect. */
  get client(): ApiClient {
    return new ApiClient(this.config);
  }

  /** Forgets the last configuration, so that the next update reports it as changed. */
  reset(): void {
    this.last = undefined;
  }

  hostUpdate(): void {
    const config = this.config;
    const last = this.last;
    if (last && last.apiBase === config.apiBase && last.token === config.token) return;
    this.last = config;
    this.options.onConfigChange(config, last);
  }
}
