package io.tdx.files;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The addresses a server-side fetch may not reach unless allowed: every range of the IANA IPv4
 * and IPv6 Special-Purpose Address Registries, multicast, and the deprecated IPv4-compatible
 * ({@code ::/96}) and site-local ({@code fec0::/10}) ranges. Three IPv6 ranges carry an IPv4
 * address towards the IPv4 internet: an address in NAT64's well-known prefix
 * ({@code 64:ff9b::/96}), 6to4 ({@code 2002::/16}) or Teredo ({@code 2001::/32}, the client
 * address XOR-obfuscated, and the server's) is internal when an IPv4 address it embeds is. The
 * tables are searched in order: a more specific range comes before the range that contains it.
 */
final class InternalAddresses {
  private static final List<Range> IPV4 = List.of(
    range("0.0.0.0/8"),             // "this network"
    range("10.0.0.0/8"),            // private use
    range("100.64.0.0/10"),         // shared address space (CGNAT; cloud metadata at 100.100.100.200)
    range("127.0.0.0/8"),           // loopback
    range("169.254.0.0/16"),        // link local (cloud metadata at 169.254.169.254)
    range("172.16.0.0/12"),         // private use
    range("192.0.0.0/24"),          // IETF protocol assignments (DS-Lite, PCP, TURN, NAT64 discovery...)
    range("192.0.2.0/24"),          // TEST-NET-1
    range("192.31.196.0/24"),       // AS112-v4
    range("192.52.193.0/24"),       // AMT
    range("192.88.99.0/24"),        // deprecated 6to4 relay anycast
    range("192.168.0.0/16"),        // private use
    range("192.175.48.0/24"),       // direct delegation AS112 service
    range("198.18.0.0/15"),         // benchmarking
    range("198.51.100.0/24"),       // TEST-NET-2
    range("203.0.113.0/24"),        // TEST-NET-3
    range("224.0.0.0/4"),           // multicast
    range("240.0.0.0/4"));          // reserved, and 255.255.255.255 (limited broadcast)

  private static final List<Range> IPV6 = List.of(
    range("::ffff:0:0/96"),         // IPv4-mapped
    range("::/96"),                 // IPv4-compatible (deprecated), with :: (unspecified) and ::1 (loopback)
    embedding("64:ff9b::/96", a -> List.of(slice(a, 12))),  // NAT64 well-known prefix
    range("64:ff9b:1::/48"),        // NAT64 local use: where it embeds an IPv4 address is a local choice
    range("100::/64"),              // discard only
    range("100:0:0:1::/64"),        // dummy prefix
    embedding("2001::/32", InternalAddresses::teredo),
    range("2001::/23"),             // IETF protocol assignments (benchmarking, AMT, AS112, ORCHID, DRIP...)
    range("2001:db8::/32"),         // documentation
    embedding("2002::/16", a -> List.of(slice(a, 2))),  // 6to4
    range("2620:4f:8000::/48"),     // direct delegation AS112 service
    range("3fff::/20"),             // documentation
    range("5f00::/16"),             // segment routing (SRv6) SIDs
    range("fc00::/7"),              // unique local
    range("fe80::/10"),             // link local
    range("fec0::/10"),             // site local (deprecated)
    range("ff00::/8"));             // multicast

  private InternalAddresses() {
  }

  static boolean internal(InetAddress address) {
    return internal(address.getAddress());
  }

  /** Whether a 4-byte or 16-byte address is internal. */
  static boolean internal(byte[] address) {
    for (Range range : address.length == 4 ? IPV4 : IPV6) {
      if (range.contains(address)) {
        return range.embedded() == null || range.embedded().apply(address).stream().anyMatch(InternalAddresses::internal);
      }
    }
    return false;
  }

  /**
   * A range: its first {@code bits} bits; for a range that embeds IPv4 addresses, how to find them.
   */
  private record Range(byte[] prefix, int bits, Function<byte[], List<byte[]>> embedded) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      if (!Arrays.equals(address, 0, whole, prefix, 0, whole)) {
        return false;
      }
      int rest = bits % 8;
      int mask = (0xff << (8 - rest)) & 0xff;
      return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
    }
  }

  private static Range range(String cidr) {
    return embedding(cidr, null);
  }

  private static Range embedding(String cidr, Function<byte[], List<byte[]>> embedded) {
    int slash = cidr.indexOf('/');
    return new Range(bytes(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)), embedded);
  }

  /** The bytes of an address literal; an IPv6 literal stays 16 bytes (Java turns {@code ::ffff:a.b.c.d} into IPv4). */
  private static byte[] bytes(String literal) {
    try {
      byte[] address = InetAddress.getByName(literal).getAddress();
      if (literal.contains(":") && address.length == 4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(address, 0, mapped, 12, 4);
        return mapped;
      }
      return address;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address literal: " + literal, e);
    }
  }

  private static byte[] slice(byte[] address, int from) {
    return Arrays.copyOfRange(address, from, from + 4);
  }

  /** Teredo (RFC 4380): the server's IPv4 address in bits 32-63, the client's, inverted, in bits 96-127. */
  private static List<byte[]> teredo(byte[] address) {
    byte[] client = slice(address, 12);
    for (int i = 0; i < client.length; i++) {
      client[i] = (byte) ~client[i];
    }
    return List.of(slice(address, 4), client);
  }
}
