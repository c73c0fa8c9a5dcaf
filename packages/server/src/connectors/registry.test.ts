import { describe, expect, it } from 'vitest';
import { builtinConnector } from './builtin.ts';
import { ConnectorRegistry } from './registry.ts';
import type { Connector, ResolvedSystem, SubmitCommand } from './types.ts';

const other: Connector = {
  kind: 'other',
  testConnection: async () => ({ ok: true, latencyMs: 1, message: 'ok' }),
  submit: async () => ({ ok: true, externalId: 'x' }),
};

describe('ConnectorRegistry', () => {
  it('returns the connector registered for a kind', () => {
    const registry = new ConnectorRegistry([builtinConnector]).register(other);

    expect(registry.get('other')).toBe(other);
    expect(registry.get('builtin')).toBe(builtinConnector);
    expect(registry.has('dingtalk')).toBe(false);
  });

  it('names the kind it lacks, and the ones it has', () => {
    const registry = new ConnectorRegistry([other]);

    expect(() => registry.get('dingtalk')).toThrow(
      'No connector is registered for "dingtalk" systems (registered: other).',
    );
  });

  it('refuses a second connector for the same kind', () => {
    const registry = new ConnectorRegistry([other]);

    expect(() => registry.register({ ...other })).toThrow(/already registered/);
  });
});

describe('builtinConnector', () => {
  it('passes its connection test without any setting', async () => {
    const result = await builtinConnector.testConnection({} as ResolvedSystem);

    expect(result).toMatchObject({ ok: true });
  });

  it('refuses to submit, since built-in requests are never dispatched', async () => {
    const command = { requestId: 'r-1' } as SubmitCommand;

    await expect(builtinConnector.submit({} as ResolvedSystem, command)).rejects.toThrow(
      /Request r-1 was sent to the built-in connector/,
    );
  });
});
