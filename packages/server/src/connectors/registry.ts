import type { SystemKind } from '@signoff/contracts';
import type { Connector } from './types.ts';

export type ConnectorKind = SystemKind | 'builtin';

/** The connectors a server knows, by the kind of system each one talks to. */
export class ConnectorRegistry {
  private readonly connectors = new Map<ConnectorKind, Connector>();

  constructor(connectors: readonly Connector[] = []) {
    for (const connector of connectors) this.register(connector);
  }

  /** Adds a connector; a second one for the same kind is a wiring mistake and throws. */
  register(connector: Connector): this {
    if (this.connectors.has(connector.kind)) {
      throw new Error(`A connector for "${connector.kind}" systems is already registered.`);
    }
    this.connectors.set(connector.kind, connector);
    return this;
  }

  has(kind: string): boolean {
    return this.connectors.has(kind as ConnectorKind);
  }

  /** The connector for `kind`; throws when none is registered. */
  get(kind: string): Connector {
    const connector = this.connectors.get(kind as ConnectorKind);
    if (!connector) {
      const known = [...this.connectors.keys()].join(', ') || 'none';
      throw new Error(`No connector is registered for "${kind}" systems (registered: ${known}).`);
    }
    return connector;
  }
}
