import { clientAddress } from './address-throttler.guard';

describe(clientAddress.name, () => {
  it("is the connection's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress('203.0.113.7', undefined, 0)).toBe('203.0.113.7');
    expect(clientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7');
  });

  it('is the address the trusted proxies received from, not one the client wrote into the header', () => {
    // nginx appends the peer it saw: "<what the client sent>, <the client>".
    expect(clientAddress('10.0.0.2', '198.51.100.9', 1)).toBe('198.51.100.9');
    expect(clientAddress('10.0.0.2', 'forged, 198.51.100.9', 1)).toBe('198.51.100.9');
    expect(clientAddress('10.0.0.3', ['forged, 198.51.100.9', '10.0.0.2'], 2)).toBe('198.51.100.9');
    // More hops trusted than there are entries: the first one there is.
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
    expect(clientAddress('::1', undefined, 0)).toBe('::1');
    expect(clientAddress(undefined, undefined, 0)).toBe('unknown');
  });
});
