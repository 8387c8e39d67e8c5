package io.ssmedge.agent.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that after a crash at any moment it holds either the old or the new content, completely:
 * write a temporary file beside it, fsync it, rename it over the target (atomic on POSIX file systems), fsync the
 * folder so the rename itself survives a power loss.
 */
final class AtomicFiles {
    static final String TMP = ".tmp";

    private AtomicFiles() {
    }

    static void write(Path target, byte[] content, CrashPoints crash) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            int half = content.length / 2;
            b.limit(half);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            crash.reached("temp file half written: " + target.getFileName());
            b.limit(content.length);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            crash.reached("temp file written, not synced: " + target.getFileName());
            ch.force(true);
        }
        crash.reached("temp file synced: " + target.getFileName());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        crash.reached("renamed, folder not synced: " + target.getFileName());
        syncDir(dir);
    }

    /** fsync of a folder (on Linux a read-only channel on the folder can be forced; elsewhere it is a no-op). */
    static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported on this platform (e.g. Windows): the rename is still atomic
        }
    }
}
