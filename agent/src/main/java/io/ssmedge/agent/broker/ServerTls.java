package io.ssmedge.agent.broker;

import java.nio.file.Path;

/**
 * TLS of one listener of the embedded broker (PEM files).
 *
 * @param certFile     the broker's certificate (chain)
 * @param keyFile      its private key, unencrypted PKCS#8
 * @param clientCaFile null = no client certificate asked; else clients must show one signed by this CA
 */
public record ServerTls(Path certFile, Path keyFile, Path clientCaFile) {
    public ServerTls {
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException("cert_file, key_file: both are needed for a TLS listener");
        }
    }
}
