package io.ssmedge.agent.daemon;

import io.ssmedge.agent.config.ModelConfig;

/**
 * What every prediction says about the model besides its version (which is the {@link
 * io.ssmedge.agent.deploy.ModelVersion} of the model that made it): name (path or embedded:NAME), stage and an
 * optional release label, both from the config.
 *
 * @param release the config's {@code model.version} text, null when not set
 */
public record ModelIdentity(String name, String stage, String release) {
    public static ModelIdentity of(ModelConfig cfg) {
        return new ModelIdentity(cfg.path(), cfg.stage(), cfg.version());
    }
}
