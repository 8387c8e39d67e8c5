package io.ssmedge.agent.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's files, read once from the jar: the page, its script and style, and uPlot from its WebJar
 * (org.webjars.npm:uplot). Nothing is fetched from the network, by the agent or by the browser.
 * Paths: {@code /} → index.html, {@code /assets/NAME}.
 */
public final class DashboardAssets {
    /** A file to send. */
    public record Asset(byte[] body, String contentType) {
    }

    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private final Map<String, Asset> files;

    private DashboardAssets(Map<String, Asset> files) {
        this.files = files;
    }

    /** Loads every file; fails at start (not at the first request) when one is missing from the jar. */
    public static DashboardAssets load() {
        String v = uplotVersion();
        return new DashboardAssets(Map.of(
                "/", read("dashboard/index.html", "text/html; charset=utf-8"),
                "/assets/app.js", read("dashboard/app.js", "text/javascript; charset=utf-8"),
                "/assets/app.css", read("dashboard/app.css", "text/css; charset=utf-8"),
                "/assets/uPlot.iife.min.js", read(WEBJAR + v + "/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "/assets/uPlot.min.css", read(WEBJAR + v + "/dist/uPlot.min.css", "text/css; charset=utf-8")));
    }

    /** The file at {@code path}, or null. */
    public Asset get(String path) {
        return files.get(path.equals("/index.html") ? "/" : path);
    }

    private static String uplotVersion() {
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("dashboard: " + name + " is missing from the jar (rebuild ssm-edge)");
        }
        return in;
    }

    private static Asset read(String name, String type) {
        try (InputStream in = resource(name)) {
            return new Asset(in.readAllBytes(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("dashboard: cannot read " + name + " from the jar: " + e.getMessage(), e);
        }
    }
}
