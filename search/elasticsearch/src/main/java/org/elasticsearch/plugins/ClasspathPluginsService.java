package org.elasticsearch.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.jdk.ModuleQualifiedExportsService;

/**
 * The usual plugins service (modules and plugins folders, left empty here) plus plugin classes
 * instantiated straight from the class path.
 *
 * <p>In Elasticsearch's package because {@code LoadedPlugin}, {@code loadPlugin} and
 * {@code loadExtensions} are package-private.
 */
public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> allPlugins;
    private final PluginsAndModules allInfo;

    public ClasspathPluginsService(Settings settings, Environment environment, Collection<Class<? extends Plugin>> pluginClasses) {
        super(settings, environment.configFile(), environment.modulesFile(), environment.pluginsFile());

        List<LoadedPlugin> fromClasspath = new ArrayList<>();
        List<PluginRuntimeInfo> infos = new ArrayList<>(super.info().getPluginInfos());
        for (Class<? extends Plugin> pluginClass : pluginClasses) {
            PluginDescriptor descriptor = new PluginDescriptor(
                pluginClass.getSimpleName(),
                "loaded from the class path by the marketplace test launcher",
                Build.current().version(),
                Build.current().version(),
                Integer.toString(Runtime.version().feature()),
                pluginClass.getName(),
                null,
                List.of(),
                false,
                false,
                false,
                false
            );
            fromClasspath.add(new LoadedPlugin(descriptor, loadPlugin(pluginClass, settings, environment.configFile())));
            infos.add(new PluginRuntimeInfo(descriptor));
        }
        loadExtensions(fromClasspath);

        List<LoadedPlugin> all = new ArrayList<>(fromClasspath);
        all.addAll(super.plugins());
        this.allPlugins = List.copyOf(all);
        this.allInfo = new PluginsAndModules(infos, super.info().getModuleInfos());
    }

    @Override
    protected final List<LoadedPlugin> plugins() {
        return allPlugins;
    }

    @Override
    public PluginsAndModules info() {
        return allInfo;
    }

    @Override
    protected void addServerExportsService(Map<String, List<ModuleQualifiedExportsService>> qualifiedExports) {
        // The server runs from the class path (an unnamed module): there are no qualified exports to add.
    }
}
