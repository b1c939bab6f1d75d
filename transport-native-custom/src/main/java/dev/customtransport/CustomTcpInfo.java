package dev.customtransport;

/**
 * A snapshot of the kernel's TCP_INFO for one connection (see {@code man 7 tcp}, {@code struct tcp_info}); the
 * accessors have the names of its fields (times in microseconds as the kernel reports them). Filled by
 * {@link CustomSocketChannel#tcpInfo(CustomTcpInfo)}; reuse one instance to avoid allocating per call.
 *
 * <pre>{@code
 * CustomTcpInfo info = ((CustomSocketChannel) ch).tcpInfo();
 * logger.info("rtt {} us, cwnd {}, retransmits {}", info.rtt(), info.sndCwnd(), info.totalRetrans());
 * }</pre>
 */
public final class CustomTcpInfo {
    static final int FIELDS = 32;
    final long[] info = new long[FIELDS];

    public long state() {
        return info[0];
    }

    public long caState() {
        return info[1];
    }

    public long retransmits() {
        return info[2];
    }

    public long probes() {
        return info[3];
    }

    public long backoff() {
        return info[4];
    }

    public long options() {
        return info[5];
    }

    public long sndWscale() {
        return info[6];
    }

    public long rcvWscale() {
        return info[7];
    }

    public long rto() {
        return info[8];
    }

    public long ato() {
        return info[9];
    }

    public long sndMss() {
        return info[10];
    }

    public long rcvMss() {
        return info[11];
    }

    public long unacked() {
        return info[12];
    }

    public long sacked() {
        return info[13];
    }

    public long lost() {
        return info[14];
    }

    public long retrans() {
        return info[15];
    }

    public long fackets() {
        return info[16];
    }

    public long lastDataSent() {
        return info[17];
    }

    public long lastAckSent() {
        return info[18];
    }

    public long lastDataRecv() {
        return info[19];
    }

    public long lastAckRecv() {
        return info[20];
    }

    public long pmtu() {
        return info[21];
    }

    public long rcvSsthresh() {
        return info[22];
    }

    public long rtt() {
        return info[23];
    }

    public long rttvar() {
        return info[24];
    }

    public long sndSsthresh() {
        return info[25];
    }

    public long sndCwnd() {
        return info[26];
    }

    public long advmss() {
        return info[27];
    }

    public long reordering() {
        return info[28];
    }

    public long rcvRtt() {
        return info[29];
    }

    public long rcvSpace() {
        return info[30];
    }

    public long totalRetrans() {
        return info[31];
    }
}
