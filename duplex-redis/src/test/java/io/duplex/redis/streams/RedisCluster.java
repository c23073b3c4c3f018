package io.duplex.redis.streams;

import io.duplex.redis.RedisServer;
import io.duplex.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three redis-server processes of the test's own in cluster mode (own directories under target/,
 * client and bus ports from the OS), joined by {@code redis-cli --cluster create} with no replicas.
 * Stopped by their process handles only.
 *
 * <p>Threading: test thread.
 */
public final class RedisCluster implements AutoCloseable {
    public final List<RedisServer> nodes = new ArrayList<>();

    public static RedisCluster start() throws Exception {
        RedisCluster c = new RedisCluster();
        try {
            Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cluster-");
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createDirectories(root.resolve("node" + i));
                c.nodes.add(RedisServer.start(
                        null,
                        "--cluster-enabled",
                        "yes",
                        "--cluster-port",
                        String.valueOf(RedisServer.freePort()),
                        "--cluster-config-file",
                        "nodes.conf",
                        "--dir",
                        dir.toString()));
            }
            List<String> cmd = new ArrayList<>(
                    List.of(RedisServer.executable().resolveSibling("redis-cli").toString(), "--cluster", "create"));
            for (RedisServer n : c.nodes) {
                cmd.add("127.0.0.1:" + n.port);
            }
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process create = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(root.resolve("create.log").toFile())
                    .start();
            if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new IllegalStateException(
                        "redis-cli --cluster create failed: " + Files.readString(root.resolve("create.log")));
            }
            Await.eventually("cluster_state:ok on every node", Duration.ofSeconds(20), () -> {
                try {
                    return c.ok();
                } catch (IOException notYet) {
                    return false;
                }
            });
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    public String[] seeds() {
        return nodes.stream().map(n -> "redis://127.0.0.1:" + n.port).toArray(String[]::new);
    }

    private boolean ok() throws IOException {
        for (RedisServer n : nodes) {
            if (!String.valueOf(n.command("CLUSTER", "INFO")).contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
