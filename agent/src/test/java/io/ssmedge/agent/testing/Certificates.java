package io.ssmedge.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test certificates made with the openssl command line in a folder: a CA ({@code ca.crt}) and what it signs. */
public final class Certificates {
    private final Path dir;

    public Certificates(Path dir) {
        this.dir = dir;
    }

    /** True when openssl is installed (tests that need certificates assume it). */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/openssl"));
    }

    public void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    /** A self-signed authority {@code name.crt} with its key {@code name.key}. */
    public void authority(String name) throws IOException, InterruptedException {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                "-days", "2", "-subj", "/CN=ssm-edge test " + name);
    }

    /** {@code name.crt} and {@code name.key} signed by ca.crt, valid for 2 days. */
    public void certificate(String name, String cn, String ext) throws IOException, InterruptedException {
        certificate(name, cn, ext, 2);
    }

    /** The same, valid for {@code days} (negative: expired already). */
    public void certificate(String name, String cn, String ext, int days) throws IOException, InterruptedException {
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + cn);
        List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt",
                "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt", "-days", String.valueOf(days)));
        if (ext != null) {
            Files.writeString(dir.resolve(name + ".ext"), ext + "\n");
            sign.addAll(List.of("-extfile", name + ".ext"));
        }
        run(sign.toArray(String[]::new));
    }
}
