package io.filterwatch.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** Docker fallback of {@link LocalInfluxDb}: Testcontainers' {@code influxdb:1.11}. Loaded only when influxd is missing. */
final class ContainerInflux {
    private final GenericContainer<?> container;

    private ContainerInflux(GenericContainer<?> container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    @SuppressWarnings("resource")
    static ContainerInflux start() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse("influxdb:1.11"))
                .withExposedPorts(8086)
                .withEnv("INFLUXDB_REPORTING_DISABLED", "true")
                .withEnv("INFLUXDB_HTTP_LOG_ENABLED", "false")
                .waitingFor(Wait.forHttp("/ping").forStatusCode(204));
        c.start();
        return new ContainerInflux(c);
    }

    int port() {
        return container.getMappedPort(8086);
    }

    String url() {
        return "http://" + container.getHost() + ":" + port();
    }

    void pause() {
        DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
    }

    void unpause() {
        DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
    }

    void stop() {
        container.stop();
    }
}
