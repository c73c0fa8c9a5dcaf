// Which addresses an admin-typed URL may reach. Private, loopback, link-local and unspecified
// addresses are refused unless the allow-list names the host: otherwise anyone allowed to edit
// settings could make the server probe its own network (SSRF).
import { BlockList, isIP } from 'node:net';

interface Range {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const rangesByKind: Record<string, Range[]> = {
  private: [
    { network: '10.0.0.0', prefix: 8, family: 'ipv4' },
    { network: '172.16.0.0', prefix: 12, family: 'ipv4' },
    { network: '192.168.0.0', prefix: 16, family: 'ipv4' },
    { network: 'fc00::', prefix: 7, family: 'ipv6' },
  ],
  loopback: [
    { network: '127.0.0.0', prefix: 8, family: 'ipv4' },
    { network: '::1', prefix: 128, family: 'ipv6' },
  ],
  'link-local': [
    { network: '169.254.0.0', prefix: 16, family: 'ipv4' },
    { network: 'fe80::', prefix: 10, family: 'ipv6' },
  ],
  unspecified: [
    { network: '0.0.0.0', prefix: 8, family: 'ipv4' },
    { network: '::', prefix: 128, family: 'ipv6' },
  ],
};

// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against IPv4 ranges.
const blockLists = Object.entries(rangesByKind).map(([kind, ranges]) => {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.network, range.prefix, range.family);
  return { kind, list };
});

/** The kind of restricted range an IP address falls in (`loopback`, …), or null when public. */
export function restrictedKind(address: string): string | null {
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  return blockLists.find(({ list }) => list.check(address, family))?.kind ?? null;
}

/**
 * True when the allow-list names this host, either alone (`sim.local`, `127.0.0.1`, `::1`) or
 * with the port (`127.0.0.1:8788`, `[::1]:8788`). `port` is the effective port, defaults
 * included.
 */
export function isAllowedHost(allow: readonly string[], hostname: string, port: number): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const candidates = new Set([host, bracketed, `${bracketed}:${port}`]);
  return allow.some((entry) => candidates.has(entry.trim().toLowerCase()));
}
