package dev.customtransport.microbench;

import dev.customtransport.microbench.compare.CompareRunner;
import dev.customtransport.microbench.server.BenchServer;

import java.util.Arrays;

/**
 * Entry point of {@code transport-native-custom-microbench.jar}.
 *
 * <pre>
 * java -jar transport-native-custom-microbench.jar [compare] [--full] [options]   the transport comparison
 * java -jar transport-native-custom-microbench.jar echo [options]                 the in-JVM echo example
 * java -jar transport-native-custom-microbench.jar jmh [JMH options]              the JMH benchmarks
 * java -jar transport-native-custom-microbench.jar server TRANSPORT               one server of the comparison
 * </pre>
 *
 * <p>Without a command it runs the comparison in quick mode; {@code compare --help} lists its options.
 */
public final class Main {
    private Main() { }

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "compare";
        String[] rest = args.length > 0 && !args[0].startsWith("-") ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (command) {
            case "compare":
                System.exit(CompareRunner.run(rest));
                break;
            case "echo":
                System.exit(EchoExample.run(rest));
                break;
            case "jmh":
                org.openjdk.jmh.Main.main(rest);
                break;
            case "server":
                BenchServer.main(rest);
                break;
            default:
                System.err.println("unknown command " + command + "; commands: compare (default), echo, jmh, server");
                System.exit(64);
        }
    }
}
