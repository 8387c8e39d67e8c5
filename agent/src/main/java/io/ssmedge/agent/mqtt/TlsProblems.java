package io.ssmedge.agent.mqtt;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Says in plain words why a TLS connection to the broker failed: the broker's certificate expired (or is not valid
 * yet), is signed by an authority that is not in mqtt.tls.ca_file, or is made out for another host name. Java's
 * own messages ("PKIX path building failed: … unable to find valid certification path") do not say what to fix.
 */
final class TlsProblems {
    private TlsProblems() {
    }

    /** The explanation, or null when the failure is not one of these TLS problems. */
    static String explain(Throwable e, String serverUri) {
        String host = serverUri.replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", "");
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            String lower = m.toLowerCase(Locale.ROOT);
            if (t instanceof CertificateExpiredException
                    || t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "TLS: the broker's certificate has expired (" + m + "); the broker needs a new certificate";
            }
            if (t instanceof CertificateNotYetValidException
                    || t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return "TLS: the broker's certificate is not valid yet (" + m + "); check the clocks of broker and gateway";
            }
            if (lower.contains("unable to find valid certification path") || lower.contains("path building failed")) {
                return "TLS: the broker's certificate is not signed by an authority in mqtt.tls.ca_file (wrong CA file, "
                        + "or the broker's certificate chain is incomplete)";
            }
            if (t instanceof SSLPeerUnverifiedException || lower.contains("no subject alternative")
                    || lower.contains("no name matching") || lower.contains("host name verification")
                    || lower.contains("hostname verification")) {
                return "TLS: the broker's certificate is not made out for host '" + host + "' (mqtt.host must be one of "
                        + "the names or addresses in the broker's certificate): " + m;
            }
        }
        return null;
    }
}
