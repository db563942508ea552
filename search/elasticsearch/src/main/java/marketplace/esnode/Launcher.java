package marketplace.esnode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.Build;
import org.elasticsearch.cluster.health.ClusterHealthStatus;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.EmbeddedNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/**
 * Starts one real Elasticsearch 8 node for the test suite, inside this JVM, from Maven Central jars.
 *
 * <pre>
 * java -cp target/classes:target/lib/* marketplace.esnode.Launcher [--port N] [--dir DIR]
 *     [--node-name NAME --transport-port N --seed-hosts HOST:PORT,... --initial-master-nodes NAME,...]
 * </pre>
 *
 * <ul>
 *   <li>{@code --port} (or env {@code ES_TEST_PORT}, default 9250): HTTP port, bound on 127.0.0.1 only;
 *       the transport layer takes any free port on 127.0.0.1.</li>
 *   <li>{@code --dir} (or env {@code ES_TEST_DIR}, default a new temporary folder): home, data and
 *       logs go under it ({@code home/}, {@code data/}, {@code logs/}).</li>
 *   <li>{@code --node-name}, {@code --transport-port}, {@code --seed-hosts}, {@code --initial-master-nodes}:
 *       one member of a cluster on 127.0.0.1 (scripts/elasticsearch.sh start-cluster). Without
 *       {@code --seed-hosts} the node uses single-node discovery, as before.</li>
 * </ul>
 *
 * Cluster "marketplace-test", single-node discovery unless seed hosts are given, no security (the node has no x-pack at all),
 * disk watermarks off, wildcard deletes allowed. Prints a line starting with
 * {@code ELASTICSEARCH READY} once the cluster is at least yellow, and closes the node cleanly on
 * SIGTERM/SIGINT, then prints {@code ELASTICSEARCH STOPPED}.
 */
public final class Launcher {

    public static final String CLUSTER_NAME = "marketplace-test";
    public static final String NODE_NAME = "marketplace-test-node";
    public static final int DEFAULT_PORT = 9250;

    /** Plugins loaded from the class path: HTTP/transport, the analysis and percolator subsets, and {@code GET /}. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        AnalysisSubsetPlugin.class,
        PercolatorSubsetPlugin.class,
        RootEndpointPlugin.class
    );

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        // Before log4j starts: our shutdown hook closes the node and still wants to log while doing so.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
        long startedAt = System.nanoTime();

        String portArg = System.getenv().getOrDefault("ES_TEST_PORT", Integer.toString(DEFAULT_PORT));
        String dirArg = System.getenv("ES_TEST_DIR");
        String nodeName = NODE_NAME;
        String transportArg = "0";
        String seedHosts = null;
        String initialMasters = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> portArg = value(args, ++i);
                case "--dir" -> dirArg = value(args, ++i);
                case "--node-name" -> nodeName = value(args, ++i);
                case "--transport-port" -> transportArg = value(args, ++i);
                case "--seed-hosts" -> seedHosts = value(args, ++i);
                case "--initial-master-nodes" -> initialMasters = value(args, ++i);
                default -> usage("unknown argument: " + args[i]);
            }
        }
        int port = 0;
        try {
            port = Integer.parseInt(portArg.trim());
        } catch (NumberFormatException e) {
            usage("not a port number: " + portArg);
        }
        if (port < 1 || port > 65535) {
            usage("not a port number: " + portArg);
        }
        int transportPort = -1;
        try {
            transportPort = Integer.parseInt(transportArg.trim());
        } catch (NumberFormatException e) {
            usage("not a transport port number: " + transportArg);
        }
        if (transportPort < 0 || transportPort > 65535) {
            usage("not a transport port number: " + transportArg);
        }
        if ((seedHosts == null) != (initialMasters == null)) {
            usage("--seed-hosts and --initial-master-nodes go together");
        }
        if (seedHosts != null && transportPort == 0) {
            usage("a cluster member needs a fixed --transport-port (the others' seed hosts name it)");
        }
        Path dir = (dirArg == null || dirArg.isBlank()) ? Files.createTempDirectory("marketplace-es-") : Path.of(dirArg);
        dir = dir.toAbsolutePath().normalize();
        Path home = dir.resolve("home");
        for (Path p : List.of(home.resolve("config"), home.resolve("modules"), home.resolve("plugins"), dir.resolve("data"), dir.resolve("logs"))) {
            Files.createDirectories(p);
        }

        Settings.Builder builder = Settings.builder()
            .put("cluster.name", CLUSTER_NAME)
            .put("node.name", nodeName)
            .put("path.home", home.toString())
            .put("path.data", dir.resolve("data").toString())
            .put("path.logs", dir.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", transportPort)
            // A nearly full CI disk must not turn indices read-only under the tests.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Tests may delete indices by wildcard.
            .put("action.destructive_requires_name", false)
            .put("logger.level", System.getenv().getOrDefault("ES_TEST_LOG_LEVEL", "INFO"));
        if (seedHosts == null) {
            builder.put("discovery.type", "single-node");
        } else {
            builder.putList("discovery.seed_hosts", List.of(seedHosts.split(",")))
                .putList("cluster.initial_master_nodes", List.of(initialMasters.split(",")));
        }
        Settings settings = builder.build();

        final String name = nodeName;
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> name);
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configureWithoutConfig(environment.settings());

        Node node = new EmbeddedNode(environment, (env, nodeSettings) -> new ClasspathPluginsService(nodeSettings, env, PLUGINS));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.prepareForClose();
                node.close();
                if (node.awaitClose(30, TimeUnit.SECONDS) == false) {
                    System.out.println("ELASTICSEARCH STOP TIMED OUT after 30 s");
                } else {
                    System.out.println("ELASTICSEARCH STOPPED");
                }
            } catch (Exception e) {
                System.out.println("ELASTICSEARCH STOP FAILED: " + e);
                e.printStackTrace(System.out);
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "marketplace-es-shutdown"));

        try {
            node.start();
            ClusterHealthStatus status = node.client()
                .admin()
                .cluster()
                .prepareHealth()
                .setWaitForYellowStatus()
                .setTimeout(TimeValue.timeValueSeconds(120))
                // A cluster member has no master until its peers have started too: wait for them as long.
                .setMasterNodeTimeout(TimeValue.timeValueSeconds(120))
                .get()
                .getStatus();
            if (status == ClusterHealthStatus.RED) {
                throw new IllegalStateException("cluster health is red");
            }
        } catch (Exception e) {
            System.out.println("ELASTICSEARCH FAILED TO START: " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
        System.out.println(
            "ELASTICSEARCH READY http://127.0.0.1:" + port
                + " cluster=" + CLUSTER_NAME
                + " node=" + nodeName
                + " version=" + Build.current().qualifiedVersion()
                + " dir=" + dir
                + " started_in_ms=" + millis
        );
        System.out.flush();

        // The node's threads are daemons: keep the JVM alive until a signal runs the hook.
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage("missing value after " + args[i - 1]);
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Launcher [--port N] [--dir DIR]   (env ES_TEST_PORT, ES_TEST_DIR; default port " + DEFAULT_PORT + ")");
        System.err.println("       [--node-name NAME --transport-port N --seed-hosts HOST:PORT,... --initial-master-nodes NAME,...]");
        System.exit(2);
    }
}
