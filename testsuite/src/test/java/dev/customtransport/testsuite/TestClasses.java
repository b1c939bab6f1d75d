package dev.customtransport.testsuite;

import io.netty.testsuite.transport.AbstractComboTestsuiteTest;
import io.netty.testsuite.transport.AbstractIoHandlerEventCountTest;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import io.netty.testsuite.transport.AbstractTestsuiteTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The compiled test classes of this module, found by walking the test-classes directory. */
final class TestClasses {

    static final String PACKAGE = "dev.customtransport.testsuite";

    private static List<Class<?>> all;

    private TestClasses() { }

    /** Every class under {@value #PACKAGE} in the directory this class was loaded from. */
    static synchronized List<Class<?>> all() {
        if (all == null) {
            all = scan();
        }
        return all;
    }

    /** Our classes that extend one of Netty's testsuite bases (abstract ones included). */
    static List<Class<?>> nettySuiteClasses() {
        return all().stream().filter(TestClasses::isNettySuiteClass).collect(Collectors.toList());
    }

    static boolean isNettySuiteClass(Class<?> c) {
        return AbstractComboTestsuiteTest.class.isAssignableFrom(c) || AbstractTestsuiteTest.class.isAssignableFrom(c)
                || AbstractSingleThreadEventLoopTest.class.isAssignableFrom(c)
                || AbstractIoHandlerEventCountTest.class.isAssignableFrom(c);
    }

    static boolean isConcrete(Class<?> c) {
        return !Modifier.isAbstract(c.getModifiers()) && !c.isInterface();
    }

    /** The top-level class declaring {@code c}, or {@code c} itself: the class named after its source file. */
    static Class<?> fileOf(Class<?> c) {
        Class<?> k = c;
        while (k.getDeclaringClass() != null) {
            k = k.getDeclaringClass();
        }
        return k;
    }

    /** The closest superclass of {@code c} that is Netty's (e.g. {@code SocketEchoTest}). */
    static Class<?> nettyAncestor(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (k.getName().startsWith("io.netty.")) {
                return k;
            }
        }
        return null;
    }

    /** The class, {@code c} or a superclass, whose own declaration of {@code newFactories()} {@code c} runs. */
    static Class<?> newFactoriesDeclarer(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals("newFactories") && m.getParameterCount() == 0 && !m.isBridge()) {
                    return k;
                }
            }
        }
        return null;
    }

    private static List<Class<?>> scan() {
        Path root;
        try {
            root = Paths.get(TestClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path dir = root.resolve(PACKAGE.replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("not a class directory: " + dir + " (run from target/test-classes)");
        }
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class"))
                                  .sorted(Comparator.naturalOrder()).collect(Collectors.toList())) {
                String relative = root.relativize(file).toString();
                String name = relative.substring(0, relative.length() - ".class".length())
                                      .replace(file.getFileSystem().getSeparator(), ".");
                classes.add(Class.forName(name, false, TestClasses.class.getClassLoader()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }
}
