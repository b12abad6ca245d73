package io.tdx.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Every special-purpose range of the IANA registries is internal; NAT64, 6to4 and Teredo by the IPv4 address they embed")
class InternalAddressesTest {

  @ParameterizedTest(name = "{0} internal={1}")
  @CsvSource({
    // IPv4: each special-purpose range, at its edges, and the public addresses around them
    "0.0.0.0, true", "0.255.255.255, true", "1.0.0.0, false",
    "10.0.0.1, true", "9.255.255.255, false", "11.0.0.0, false",
    "100.64.0.0, true", "100.100.100.200, true", "100.127.255.255, true", "100.63.255.255, false", "100.128.0.0, false",
    "127.0.0.1, true", "127.255.255.254, true",
    "169.254.169.254, true", "169.253.255.255, false",
    "172.16.0.1, true", "172.31.255.255, true", "172.15.255.255, false", "172.32.0.0, false",
    "192.0.0.8, true", "192.0.0.170, true", "192.0.2.1, true", "192.0.1.255, false", "192.0.3.0, false",
    "192.31.196.1, true", "192.52.193.1, true", "192.88.99.1, true", "192.175.48.1, true",
    "192.168.1.1, true", "192.169.0.0, false",
    "198.18.0.1, true", "198.19.255.255, true", "198.17.255.255, false", "198.20.0.0, false",
    "198.51.100.7, true", "203.0.113.9, true", "203.0.114.0, false",
    "224.0.0.1, true", "239.255.255.255, true", "240.0.0.1, true", "255.255.255.255, true",
    "8.8.8.8, false", "1.1.1.1, false", "93.184.216.34, false", "223.255.255.255, false",
    // IPv6
    "::, true", "::1, true", "::7f00:1, true", "::808:808, true",
    "::ffff:7f00:1, true",
    "64:ff9b::7f00:1, true", "64:ff9b::a00:1, true", "64:ff9b::6464:64c8, true", "64:ff9b::808:808, false",
    "64:ff9b:1::808:808, true",
    "100::1, true", "100:0:0:1::1, true", "100:0:0:2::1, false",
    "2001:0:4136:e378:8000:63bf:80ff:fffe, true",  // Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2, true",  // Teredo, client 192.0.2.45 (RFC 4380's example)
    "2001:0:7f00:1:8000:63bf:f7f7:f7f7, true",     // Teredo, server 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7, false", // Teredo, server 65.54.227.120, client 8.8.8.8
    "2001:2::1, true", "2001:3::1, true", "2001:1ff:ffff::1, true", "2001:200::1, false",
    "2001:db8::1, true", "2001:4860:4860::8888, false",
    "2002:7f00:1::1, true", "2002:a9fe:a9fe::1, true", "2002:808:808::1, false",
    "2620:4f:8000::1, true", "2620:4f:8001::1, false",
    "3fff::1, true", "3fff:fff::1, true", "3fff:1000::1, false",
    "5f00::1, true",
    "fc00::1, true", "fd12:3456::1, true",
    "fe80::1, true", "febf::1, true", "fec0::1, true", "feff::1, true",
    "ff02::1, true", "ff0e::1, true",
    "2606:4700:4700::1111, false", "2a00:1450::1, false",
  })
  void table(String address, boolean internal) throws Exception {
    assertEquals(internal, InternalAddresses.internal(InetAddress.getByName(address)), address);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0:0:0:0:0:ffff:7f00:1", "0:0:0:0:0:ffff:808:808"})
  void mappedAsSixteenBytes(String address) throws Exception {
    byte[] bytes = new byte[16];
    byte[] four = InetAddress.getByName(address).getAddress();
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    System.arraycopy(four, 0, bytes, 12, 4);
    assertEquals(true, InternalAddresses.internal(bytes), "every IPv4-mapped address as 16 bytes");
  }
}
