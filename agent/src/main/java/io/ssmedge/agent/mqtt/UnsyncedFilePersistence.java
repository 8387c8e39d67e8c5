package io.ssmedge.agent.mqtt;

import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;
import org.eclipse.paho.client.mqttv3.internal.MqttPersistentData;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Vector;

/**
 * Paho 3.1.1 persistence: one file per message the client keeps ({@code KEY.msg}, written next to it and renamed
 * over it), without forcing it to disk. A kept message survives a crash of the process (the operating system still
 * writes it); after a power cut it may be gone, and then the journal's outbox publishes the prediction again
 * (io.ssmedge.agent.journal.Outbox: at least once in that case). Paho's own MqttDefaultFilePersistence forces every
 * file to disk: two fsyncs per QoS 2 message, serial, which held a journaled agent to about 70 predictions/s on a
 * loaded 2-core machine while 250/s were due.
 */
final class UnsyncedFilePersistence implements MqttClientPersistence {
    private static final String SUFFIX = ".msg";
    private final Path root;
    private volatile Path dir;

    UnsyncedFilePersistence(Path root) {
        this.root = root;
    }

    @Override
    public void open(String clientId, String serverUri) throws MqttPersistenceException {
        Path d = root.resolve((clientId + "-" + serverUri).replaceAll("[^A-Za-z0-9._-]", ""));
        try {
            Files.createDirectories(d);
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.tmp")) {
                for (Path p : s) {
                    Files.deleteIfExists(p); // a write cut short by a crash: its message was never kept
                }
            }
        } catch (IOException e) {
            throw failure(e);
        }
        dir = d;
    }

    private Path file(String key) {
        return dir.resolve(key + SUFFIX);
    }

    @Override
    public void put(String key, MqttPersistable p) throws MqttPersistenceException {
        int header = p.getHeaderLength();
        int payload = p.getPayloadBytes() == null ? 0 : p.getPayloadLength();
        byte[] all = new byte[header + payload];
        System.arraycopy(p.getHeaderBytes(), p.getHeaderOffset(), all, 0, header);
        if (payload > 0) {
            System.arraycopy(p.getPayloadBytes(), p.getPayloadOffset(), all, header, payload);
        }
        Path tmp = dir.resolve(key + ".tmp");
        try {
            Files.write(tmp, all);
            Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public MqttPersistable get(String key) throws MqttPersistenceException {
        try {
            byte[] all = Files.readAllBytes(file(key));
            return new MqttPersistentData(key, all, 0, all.length, null, 0, 0);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void remove(String key) throws MqttPersistenceException {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public Enumeration keys() throws MqttPersistenceException {
        Vector<String> keys = new Vector<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                keys.add(n.substring(0, n.length() - SUFFIX.length()));
            }
        } catch (IOException e) {
            throw failure(e);
        }
        Collections.sort(keys);
        return keys.elements();
    }

    @Override
    public void clear() throws MqttPersistenceException {
        for (Object k : Collections.list(keys())) {
            remove((String) k);
        }
    }

    @Override
    public boolean containsKey(String key) {
        return Files.exists(file(key));
    }

    @Override
    public void close() {
        // nothing held open
    }

    private static MqttPersistenceException failure(IOException e) {
        return new MqttPersistenceException(e);
    }
}
