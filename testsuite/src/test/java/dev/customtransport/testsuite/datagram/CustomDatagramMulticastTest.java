package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.ExecutionTags;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;
import org.junit.jupiter.api.Tag;

import java.util.List;

/**
 * Netty's {@link DatagramMulticastTest} on our transport over UDP, once per readiness mode: {@link Level} and
 * {@link Edge}. Run in a network namespace of its own where the build can make one ({@link ExecutionTags#MULTICAST}).
 */
@Tag(ExecutionTags.MULTICAST)
public abstract class CustomDatagramMulticastTest extends DatagramMulticastTest implements ReadinessModeTest {

    /**
     * {@code datagram(family)}: ours and NIO, all four pairs, the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return permutation().datagram(socketInternetProtocalFamily());
    }

    /**
     * Runs Netty's test only where its packets stay on this machine: see {@link LoopbackMulticast}. Otherwise the
     * test is skipped, with the reason printed.
     */
    @Override
    public void testMulticast(Bootstrap sb, Bootstrap cb) throws Throwable {
        LoopbackMulticast.assumeLoopbackOnly(socketInternetProtocalFamily(), groupInternetProtocalFamily());
        super.testMulticast(sb, cb);
    }

    /**
     * Runs Netty's test only where no interface but loopback is up: it joins the group without naming an interface,
     * so the kernel picks one by the group's route. Otherwise the test is skipped, with the reason printed.
     */
    @Override
    public void testMulticastWithWildcardLocalAddress(Bootstrap sb, Bootstrap cb) throws Throwable {
        LoopbackMulticast.assumeOnlyLoopbackUp();
        super.testMulticastWithWildcardLocalAddress(sb, cb);
    }

    @LevelTriggered
    public static final class Level extends CustomDatagramMulticastTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDatagramMulticastTest {
    }
}
