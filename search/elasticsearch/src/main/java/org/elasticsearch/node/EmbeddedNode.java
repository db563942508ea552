package org.elasticsearch.node;

import java.util.function.BiFunction;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.PluginsService;

/**
 * A {@link Node} whose plugins service is chosen by the caller.
 *
 * <p>It sits in Elasticsearch's package only because the hook it overrides (the node's service
 * provider) is package-private there. The test launcher uses it to hand the node plugin classes
 * that are on the class path, since Maven Central has no distribution with a modules folder.
 */
public class EmbeddedNode extends Node {

    public EmbeddedNode(Environment environment, BiFunction<Environment, Settings, PluginsService> pluginsServiceFactory) {
        super(NodeConstruction.prepareConstruction(environment, new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, Settings settings) {
                return pluginsServiceFactory.apply(env, settings);
            }
        }, true));
    }
}
