package io.ssmedge.agent.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the SKAB pump recordings (GPL data, never shipped with ssm-edge): $SKAB_DIR, or
 * shared/datasets/skab beside the current folder or beside the ssm-edge checkout.
 */
final class SkabLocator {
    static final String ENV = "SKAB_DIR";

    private SkabLocator() {
    }

    static List<Path> candidates() {
        List<Path> c = new ArrayList<>();
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            c.add(Path.of(env));
        }
        Path cwd = Path.of("").toAbsolutePath();
        c.add(cwd.resolve("../shared/datasets/skab").normalize());
        c.add(cwd.resolve("shared/datasets/skab"));
        try {
            Path jar = Path.of(SkabLocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // <repo>/agent/target/ssm-edge.jar → <repo>/../shared/datasets/skab
            Path repo = jar.getParent() == null ? null : jar.getParent().getParent();
            if (repo != null && repo.getParent() != null && repo.getParent().getParent() != null) {
                c.add(repo.getParent().resolveSibling("shared/datasets/skab").normalize());
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // not run from a jar: the folder candidates above still apply
        }
        return c.stream().distinct().toList();
    }

    static Optional<Path> find() {
        return candidates().stream().filter(p -> Files.isDirectory(p.resolve("valve1"))).findFirst();
    }
}
