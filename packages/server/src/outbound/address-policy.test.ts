import { describe, expect, it } from 'vitest';
import { isAllowedHost, restrictedKind } from './address-policy.ts';

describe('restrictedKind', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a00:1', 'private'],
  ])('classes %s as %s', (address, kind) => {
    expect(restrictedKind(address)).toBe(kind);
  });

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111', 'example.com'])(
    'lets %s through',
    (address) => {
      expect(restrictedKind(address)).toBeNull();
    },
  );
});

describe('isAllowedHost', () => {
  it('matches a host alone or with its port', () => {
    expect(isAllowedHost(['127.0.0.1'], '127.0.0.1', 8788)).toBe(true);
    expect(isAllowedHost(['127.0.0.1:8788'], '127.0.0.1', 8788)).toBe(true);
    expect(isAllowedHost(['127.0.0.1:8788'], '127.0.0.1', 8789)).toBe(false);
    expect(isAllowedHost(['Sim.Local'], 'sim.local', 80)).toBe(true);
  });

  it('matches IPv6 hosts with or without brackets', () => {
    expect(isAllowedHost(['::1'], '[::1]', 80)).toBe(true);
    expect(isAllowedHost(['[::1]:8788'], '::1', 8788)).toBe(true);
    expect(isAllowedHost(['[::1]:8788'], '::1', 80)).toBe(false);
  });
});
