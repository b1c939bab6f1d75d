package dev.customtransport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Datagram messages in native memory, in the layout {@link DatagramNative} documents, with their iovecs: what one
 * sendmsg/recvmsg or one sendmmsg/recvmmsg works on. One per event loop ({@link LoopScratch}), cleared before each
 * use.
 */
public final class MessageArray {
    private static final int[] CONSTANTS = new int[DatagramNative.C_COUNT];

    static {
        NativeLibrary.ensureLoaded();
        DatagramNative.constants(CONSTANTS);
    }

    private static final int MSG_SIZE = CONSTANTS[DatagramNative.C_MSG_SIZE];
    /** The most messages one batch call takes. */
    public static final int BATCH_MAX = CONSTANTS[DatagramNative.C_BATCH_MAX];
    public static final int MSG_TRUNC = CONSTANTS[DatagramNative.C_MSG_TRUNC];
    public static final int MSG_CTRUNC = CONSTANTS[DatagramNative.C_MSG_CTRUNC];
    private static final int IOV_SIZE = Limits.SIZEOF_IOVEC;
    /** iovecs for the whole batch: a message whose buffer has more pieces than are left does not fit. */
    private static final int IOV_MAX_ENTRIES = Math.min(1024, Limits.IOV_MAX);

    private final ByteBuffer memory;
    private final long address;
    private final int iovBase;
    private final byte[] scratch = new byte[DatagramNative.MSG_ADDR_MAX];
    private int count;
    private int iovCount;

    MessageArray() {
        iovBase = BATCH_MAX * MSG_SIZE;
        memory = ByteBuffer.allocateDirect(iovBase + IOV_MAX_ENTRIES * IOV_SIZE).order(ByteOrder.nativeOrder());
        address = SocketNative.bufferAddress(memory);
    }

    public void clear() {
        count = 0;
        iovCount = 0;
    }

    /** Frees the native memory now; the array must not be used again. */
    void release() {
        PlatformDependent.freeDirectBuffer(memory);
    }

    public int count() {
        return count;
    }

    public boolean isFull() {
        return count == BATCH_MAX;
    }

    /** The native address of message {@code i} (the batch starts at message 0). */
    public long address(int i) {
        return address + (long) i * MSG_SIZE;
    }

    /**
     * Adds a message to send: the readable bytes of {@code content} (direct, or with a memory address), to
     * {@code recipient} (null: the connected peer), split by the kernel into {@code segmentSize}-byte datagrams when
     * that is above 0 (UDP GSO). False, with nothing added, when the array is full.
     */
    public boolean addSend(ByteBuf content, SocketAddress recipient, int segmentSize, boolean ipv6Socket) {
        if (count == BATCH_MAX) {
            return false;
        }
        int msg = count * MSG_SIZE;
        int iovStart = iovCount;
        if (!addIov(content, content.readerIndex(), content.readableBytes())) {
            iovCount = iovStart;
            return false;
        }
        memory.putLong(msg + DatagramNative.MSG_IOV, address + iovBase + (long) iovStart * IOV_SIZE);
        memory.putInt(msg + DatagramNative.MSG_IOVCNT, iovCount - iovStart);
        memory.putInt(msg + DatagramNative.MSG_SEGMENT, segmentSize);
        memory.putInt(msg + DatagramNative.MSG_ADDR_LEN,
                recipient == null ? 0 : encode(recipient, ipv6Socket, msg + DatagramNative.MSG_ADDR));
        count++;
        return true;
    }

    /** Adds a message to receive into {@code buf[offset, offset + length)}; false when the array is full. */
    public boolean addReceive(ByteBuf buf, int offset, int length) {
        if (count == BATCH_MAX) {
            return false;
        }
        int msg = count * MSG_SIZE;
        int iovStart = iovCount;
        if (!addIov(buf, offset, length)) {
            iovCount = iovStart;
            return false;
        }
        memory.putLong(msg + DatagramNative.MSG_IOV, address + iovBase + (long) iovStart * IOV_SIZE);
        memory.putInt(msg + DatagramNative.MSG_IOVCNT, iovCount - iovStart);
        memory.putInt(msg + DatagramNative.MSG_SEGMENT, 0);
        memory.putInt(msg + DatagramNative.MSG_ADDR_LEN, 0);
        memory.putInt(msg + DatagramNative.MSG_RESULT, 0);
        memory.putInt(msg + DatagramNative.MSG_LOCAL_LEN, 0);
        count++;
        return true;
    }

    private boolean addIov(ByteBuf buf, int offset, int length) {
        if (length == 0) {
            // An empty datagram: one empty iovec (the kernel wants a valid array).
            return putIov(0, 0);
        }
        if (buf.hasMemoryAddress()) {
            return putIov(buf.memoryAddress() + offset, length);
        }
        int n = buf.nioBufferCount();
        if (n == 1) {
            ByteBuffer nio = buf.internalNioBuffer(offset, length);
            return nio.isDirect() && putIov(SocketNative.bufferAddress(nio) + nio.position(), length);
        }
        if (iovCount + n > IOV_MAX_ENTRIES) {
            return false;
        }
        for (ByteBuffer nio : buf.nioBuffers(offset, length)) {
            if (!nio.isDirect()) {
                return false;
            }
            if (nio.hasRemaining() && !putIov(SocketNative.bufferAddress(nio) + nio.position(), nio.remaining())) {
                return false;
            }
        }
        return true;
    }

    private boolean putIov(long addr, int len) {
        if (iovCount == IOV_MAX_ENTRIES) {
            return false;
        }
        int off = iovBase + iovCount * IOV_SIZE;
        memory.putLong(off, addr);
        memory.putLong(off + IOV_SIZE / 2, len);
        iovCount++;
        return true;
    }

    /** Writes {@code a} in the native address format at {@code off}; returns its length. */
    private int encode(SocketAddress a, boolean ipv6Socket, int off) {
        if (a instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) a;
            InetAddress ip = inet.getAddress();
            byte[] raw = SockAddr.ipBytes(ip, ipv6Socket);
            int scope = SockAddr.scopeId(ip);
            memory.put(off, (byte) (raw.length == 4 ? 4 : 6));
            memory.put(off + 1, (byte) (inet.getPort() >>> 8));
            memory.put(off + 2, (byte) inet.getPort());
            memory.put(off + 3, (byte) (scope >>> 24));
            memory.put(off + 4, (byte) (scope >>> 16));
            memory.put(off + 5, (byte) (scope >>> 8));
            memory.put(off + 6, (byte) scope);
            for (int i = 0; i < raw.length; i++) {
                memory.put(off + 7 + i, raw[i]);
            }
            return 7 + raw.length;
        }
        if (a instanceof DomainSocketAddress) {
            byte[] path = UnixSockets.pathBytes((DomainSocketAddress) a);
            if (path.length + 1 > DatagramNative.MSG_ADDR_MAX) {
                throw new IllegalArgumentException("socket path too long (" + path.length + " bytes): " + a);
            }
            memory.put(off, (byte) 1);
            for (int i = 0; i < path.length; i++) {
                memory.put(off + 1 + i, path[i]);
            }
            return 1 + path.length;
        }
        throw new IllegalArgumentException("unsupported address type: " + a.getClass().getName());
    }

    /** Bytes received into message {@code i}. */
    public int result(int i) {
        return memory.getInt(i * MSG_SIZE + DatagramNative.MSG_RESULT);
    }

    /** The UDP_GRO segment size of message {@code i}, 0 when it is one datagram. */
    public int segmentSize(int i) {
        return memory.getInt(i * MSG_SIZE + DatagramNative.MSG_SEGMENT);
    }

    /** The msg_flags of message {@code i}. */
    public int flags(int i) {
        return memory.getInt(i * MSG_SIZE + DatagramNative.MSG_FLAGS);
    }

    /** The sender of message {@code i} (an inet socket), null if the kernel gave none. */
    public InetSocketAddress inetSender(int i) {
        return inet(i * MSG_SIZE + DatagramNative.MSG_ADDR_LEN, i * MSG_SIZE + DatagramNative.MSG_ADDR);
    }

    /** The original destination of message {@code i} (IP_RECVORIGDSTADDR), null if there is none. */
    public InetSocketAddress inetDestination(int i) {
        return inet(i * MSG_SIZE + DatagramNative.MSG_LOCAL_LEN, i * MSG_SIZE + DatagramNative.MSG_LOCAL);
    }

    /** The sender of message {@code i} (a unix socket); null when unnamed or not given. */
    public DomainSocketAddress unixSender(int i) {
        int len = memory.getInt(i * MSG_SIZE + DatagramNative.MSG_ADDR_LEN);
        int off = i * MSG_SIZE + DatagramNative.MSG_ADDR;
        if (len <= 1 || memory.get(off) != 1) {
            return null;
        }
        byte[] path = new byte[len - 1];
        for (int k = 0; k < path.length; k++) {
            path[k] = memory.get(off + 1 + k);
        }
        return new DomainSocketAddress(new String(path, StandardCharsets.UTF_8));
    }

    private InetSocketAddress inet(int lenOff, int off) {
        int len = memory.getInt(lenOff);
        if (len <= 0 || len > scratch.length) {
            return null;
        }
        for (int k = 0; k < len; k++) {
            scratch[k] = memory.get(off + k);
        }
        return SockAddr.decodeInet(scratch, len);
    }

    /** sendmsg of message 0: 1 when sent, 0 when the socket buffer is full; throws what it failed with. */
    public int sendOne(SocketFd socket, boolean connected) throws IOException {
        int res = DatagramNative.sendmsg(socket.intValue(), address);
        return sendResult(res < 0 ? res : 1, connected, "sendmsg");
    }

    /** sendmmsg of every message: how many were sent, 0 when the socket buffer is full. */
    public int sendAll(SocketFd socket, boolean connected) throws IOException {
        int res = DatagramNative.sendmmsg(socket.intValue(), address, count);
        return sendResult(res, connected, "sendmmsg");
    }

    private static int sendResult(int res, boolean connected, String call) throws IOException {
        if (res >= 0) {
            return res;
        }
        if (Errors.isWouldBlock(res)) {
            return 0;
        }
        throw connected ? Errors.newDatagramException(call, res) : Errors.newIoException(call, res);
    }

    /** recvmsg into message 0: true if a datagram came, false if none was waiting. */
    public boolean receiveOne(SocketFd socket, boolean connected) throws IOException {
        return receiveResult(DatagramNative.recvmsg(socket.intValue(), address), connected, "recvmsg") > 0;
    }

    /** recvmmsg into every message: how many were filled, 0 if none was waiting. */
    public int receiveAll(SocketFd socket, boolean connected) throws IOException {
        return receiveResult(DatagramNative.recvmmsg(socket.intValue(), address, count), connected, "recvmmsg");
    }

    private static int receiveResult(int res, boolean connected, String call) throws IOException {
        if (res >= 0) {
            return res == 0 && "recvmsg".equals(call) ? 1 : res; // recvmsg: 0 bytes is an empty datagram
        }
        if (Errors.isWouldBlock(res)) {
            return 0;
        }
        throw connected ? Errors.newDatagramException(call, res) : Errors.newIoException(call, res);
    }
}
