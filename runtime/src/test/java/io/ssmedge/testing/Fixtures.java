package io.ssmedge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.data.DatasetFile;
import io.ssmedge.data.WindowSet;
import io.ssmedge.format.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The conformance fixtures copied into test resources from ../shared/conformance. */
public final class Fixtures {
    public static final String S5 = "s5-skab";
    public static final String S4D = "s4d-skab";

    private Fixtures() {
    }

    private static final java.util.Map<String, Path> EXTRACTED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The fixture folder on disk. Other modules see the fixtures inside the runtime's test jar; they are
     * then copied once per JVM into a temporary folder, so tests always get real files.
     */
    public static Path dir(String name) {
        java.net.URL url = Fixtures.class.getResource("/conformance/" + name);
        if (url == null) {
            throw new IllegalStateException("fixture conformance/" + name + " missing from the test resources");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            return EXTRACTED.computeIfAbsent(name, n -> extract(n));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path extract(String name) {
        try {
            Path dir = Files.createTempDirectory("ssm-edge-fixture-" + name);
            for (String f : new String[]{"config.json", "model.safetensors", "expected.safetensors", "reference.json"}) {
                try (java.io.InputStream in = Fixtures.class.getResourceAsStream("/conformance/" + name + "/" + f)) {
                    Files.copy(in, dir.resolve(f));
                }
                dir.resolve(f).toFile().deleteOnExit();
            }
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SafetensorsFile expected(String name) {
        return SafetensorsFile.read(dir(name).resolve("expected.safetensors"));
    }

    /** The test windows (normalized x_test, y_test) of the S5 fixture, which the S4D fixture shares. */
    public static WindowSet testWindows() {
        return DatasetFile.read(dir(S5).resolve("expected.safetensors"), false, null, null);
    }

    public static JsonNode reference(String name) {
        try {
            return new ObjectMapper().readTree(Files.readString(dir(name).resolve("reference.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SKAB dataset beside the repository (../shared/datasets/skab), or null when absent. */
    public static Path skab() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/datasets/skab");
            if (Files.isDirectory(c)) {
                return c;
            }
            Path d = p.resolveSibling("shared").resolve("datasets/skab");
            if (Files.isDirectory(d)) {
                return d;
            }
        }
        return null;
    }
}
