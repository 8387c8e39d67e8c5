package io.ssmedge.agent.rollout.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write a temporary file in the same folder, fsync it, rename it over the target
 * (atomic on POSIX file systems), fsync the folder so the rename itself survives a power cut. A reader sees the
 * old file or the new one, never a mix.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, byte[] bytes, CrashHook crash) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(target.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                int half = bytes.length / 2;
                b.limit(half);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                crash.at("write-half:" + target.getFileName());
                b.limit(bytes.length);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            crash.at("before-rename:" + target.getFileName());
            move(tmp, target);
            crash.at("before-dir-sync:" + target.getFileName());
            syncDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Atomic rename (falls back to a plain replace where the file system cannot move atomically). */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** fsync of a folder (makes renames and new names in it durable); ignored where the OS cannot open folders. */
    public static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; its renames are durable through the journal of NTFS
        }
    }

    /** fsync of a file. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
