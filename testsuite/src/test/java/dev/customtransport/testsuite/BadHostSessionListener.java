package dev.customtransport.testsuite;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Opens the loopback {@link BadHost} when a JUnit launcher session opens, i.e. before any test class is loaded
 * (and so before Netty's {@code SocketTestPermutation} reads {@code io.netty.testsuite.badHost/badPort}), and
 * closes it when the session closes. Registered in {@code META-INF/services}.
 */
public final class BadHostSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BadHost.acquire();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        BadHost.release();
    }
}
