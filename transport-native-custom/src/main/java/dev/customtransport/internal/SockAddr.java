package dev.customtransport.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Encodes and decodes the address formats of {@link SocketNative}. */
public final class SockAddr {
    private SockAddr() { }

    /** Size of the buffers native calls write addresses into. */
    public static final int ADDRESS_BUFFER_SIZE = SocketNative.ADDRESS_BUFFER_SIZE;

    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    /** The bytes to pass for {@code address} on a socket of the given family (IPv4 is mapped on IPv6 sockets). */
    public static byte[] ipBytes(InetAddress address, boolean ipv6Socket) {
        byte[] raw = address.getAddress();
        if (raw.length == 4 && ipv6Socket) {
            byte[] mapped = new byte[16];
            System.arraycopy(MAPPED_PREFIX, 0, mapped, 0, MAPPED_PREFIX.length);
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }

    /** The scope id to pass with {@code address}. */
    public static int scopeId(InetAddress address) {
        return address instanceof Inet6Address ? ((Inet6Address) address).getScopeId() : 0;
    }

    /**
     * Decodes an inet address written by a native call ({@code len} bytes); IPv4-mapped IPv6 addresses come back
     * as IPv4, as Netty's transports report them. Null if {@code len} is not an inet address.
     */
    public static InetSocketAddress decodeInet(byte[] buf, int len) {
        if (len < 7 || (buf[0] != 4 && buf[0] != 6)) {
            return null;
        }
        int port = ((buf[1] & 0xff) << 8) | (buf[2] & 0xff);
        int scope = ((buf[3] & 0xff) << 24) | ((buf[4] & 0xff) << 16) | ((buf[5] & 0xff) << 8) | (buf[6] & 0xff);
        int alen = len - 7;
        byte[] ip = new byte[alen];
        System.arraycopy(buf, 7, ip, 0, alen);
        try {
            InetAddress a;
            if (alen == 16 && scope != 0 && !isMapped(ip)) {
                a = Inet6Address.getByAddress(null, ip, scope);
            } else {
                // getByAddress turns a 16-byte IPv4-mapped address into an Inet4Address itself.
                a = InetAddress.getByAddress(ip);
            }
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("native layer returned a malformed address of " + alen + " bytes", e);
        }
    }

    /** Decodes an inet address whose length is implied by its family byte (as accept writes it). */
    public static InetSocketAddress decodeInet(byte[] buf) {
        int len = buf[0] == 4 ? 7 + 4 : buf[0] == 6 ? 7 + 16 : -1;
        return decodeInet(buf, len);
    }

    private static boolean isMapped(byte[] ip) {
        for (int i = 0; i < MAPPED_PREFIX.length; i++) {
            if (ip[i] != MAPPED_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }
}
