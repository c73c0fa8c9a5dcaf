import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.ts';

describe('signoff-simulator arguments', () => {
  it('defaults to 127.0.0.1:8788', () => {
    expect(parseCliArgs([])).toEqual({
      command: 'serve',
      port: 8788,
      host: '127.0.0.1',
      help: false,
    });
  });

  it('reads --port and --host', () => {
    expect(parseCliArgs(['--port', '0', '--host', '0.0.0.0'])).toMatchObject({
      port: 0,
      host: '0.0.0.0',
    });
  });

  it.each([['abc'], ['70000'], ['-1'], ['1.5'], ['']])('refuses --port %j', (port) => {
    expect(() => parseCliArgs([`--port=${port}`])).toThrow(/--port must be a whole number/);
  });

  it('refuses an unknown option', () => {
    expect(() => parseCliArgs(['--verbose'])).toThrow(/verbose/);
  });
});

describe('signoff-simulator verify arguments', () => {
  const required = [
    '--proxy',
    'http://127.0.0.1:9000/approvals',
    '--access-token',
    'token-1234',
    '--aes-key',
    'k'.repeat(43),
    '--tenant-id',
    'tenant-0001',
  ];

  it('reads the proxy and the three values, with defaults for the callback', () => {
    expect(parseCliArgs(['verify', ...required])).toEqual({
      command: 'verify',
      help: false,
      options: {
        proxyUrl: 'http://127.0.0.1:9000/approvals',
        accessToken: 'token-1234',
        encodingAesKey: 'k'.repeat(43),
        tenantId: 'tenant-0001',
        callbackHost: '127.0.0.1',
        callbackPort: 8789,
        callbackTimeoutMs: 30_000,
      },
    });
  });

  it('reads the callback options', () => {
    const args = ['verify', ...required, '--callback-host', '0.0.0.0', '--callback-port', '0'];

    expect(parseCliArgs([...args, '--callback-timeout', '5'])).toMatchObject({
      options: { callbackHost: '0.0.0.0', callbackPort: 0, callbackTimeoutMs: 5000 },
    });
  });

  it('names every missing value', () => {
    expect(() => parseCliArgs(['verify', '--proxy', 'http://x'])).toThrow(
      'verify needs --access-token, --aes-key, --tenant-id.',
    );
  });

  it('needs nothing for --help', () => {
    expect(parseCliArgs(['verify', '--help'])).toMatchObject({ command: 'verify', help: true });
  });

  it.each([['0'], ['1.5'], ['x'], ['3601']])('refuses --callback-timeout %j', (seconds) => {
    expect(() => parseCliArgs(['verify', ...required, '--callback-timeout', seconds])).toThrow(
      /--callback-timeout must be a whole number of seconds/,
    );
  });

  it('refuses a bad --callback-port', () => {
    expect(() => parseCliArgs(['verify', ...required, '--callback-port', '99999'])).toThrow(
      /--callback-port must be a whole number/,
    );
  });
});
