import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.ts';

describe('signoff-simulator arguments', () => {
  it('defaults to 127.0.0.1:8788', () => {
    expect(parseCliArgs([])).toEqual({ port: 8788, host: '127.0.0.1', help: false });
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
