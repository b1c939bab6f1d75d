package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import io.netty.util.concurrent.EventExecutorGroup;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Netty's {@link TrafficShapingHandlerTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 *
 * <p>See {@link KeepSharedScheduler} for why Netty's {@code @AfterAll} is replaced.
 */
@ExtendWith(CustomTrafficShapingHandlerTest.KeepSharedScheduler.class)
public abstract class CustomTrafficShapingHandlerTest extends TrafficShapingHandlerTest implements ReadinessModeTest {

    /**
     * {@code socket()}: Netty's epoll transport does not run this class;
     * {@code socket()} is what its Netty base class uses.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socket();
    }

    /**
     * Netty's {@code @AfterAll destroyGroup()} also shuts down the class's {@code static final} scheduler, which
     * every subclass in the JVM shares: the second of our two classes (one per mode) would then have its auto-read
     * tests hang on {@code RejectedExecutionException} until they time out. (A static method of the same name here
     * would not help: since JUnit 5.11 hidden static lifecycle methods run too.) So this skips Netty's and shuts
     * down only the two executor groups, which {@code @BeforeAll createGroup()} makes anew for each class; the
     * scheduler lives until the JVM exits.
     */
    static final class KeepSharedScheduler implements InvocationInterceptor {
        @Override
        public void interceptAfterAllMethod(Invocation<Void> invocation,
                                            ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext extensionContext) throws Throwable {
            Method method = invocationContext.getExecutable();
            if (method.getDeclaringClass() != TrafficShapingHandlerTest.class
                    || !method.getName().equals("destroyGroup")) {
                invocation.proceed();
                return;
            }
            invocation.skip();
            for (String name : new String[] {"group", "groupForGlobal"}) {
                Field field = TrafficShapingHandlerTest.class.getDeclaredField(name);
                field.setAccessible(true);
                ((EventExecutorGroup) field.get(null)).shutdownGracefully().sync();
            }
        }
    }

    @LevelTriggered
    public static final class Level extends CustomTrafficShapingHandlerTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomTrafficShapingHandlerTest {
    }
}
