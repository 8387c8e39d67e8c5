package io.ssmedge.agent.broker;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

/** Lets a client in when its user name and password are one of the configured accounts; a user may do anything. */
final class PasswordCheck implements ActiveMQSecurityManager {
    private final Map<String, String> users;

    PasswordCheck(Map<String, String> users) {
        this.users = Map.copyOf(users);
    }

    @Override
    public boolean validateUser(String user, String password) {
        String expected = user == null ? null : users.get(user);
        // constant-time comparison, so the time taken does not tell how much of a password was right
        return expected != null && password != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return validateUser(user, password);
    }
}
