package io.taskpipe.acl;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@link KafkaAcls} for a plain Kafka cluster: printed as {@code kafka-acls.sh} commands (the listing in
 * docs/security.md is this output), or applied with an administrator's client settings.
 */
@Command(name = "kafka-acls", mixinStandardHelpOptions = true,
        description = "Prints taskpipe's Kafka ACLs as kafka-acls.sh commands, or applies them (--apply).")
public final class AclsCommand implements Callable<Integer> {

    @Option(names = "--apply", description = "Create the ACLs on the cluster instead of printing commands.")
    boolean apply;

    @Option(names = "--bootstrap-servers", description = "With --apply: the cluster.")
    String bootstrapServers;

    @Option(names = "--command-config", description = "With --apply: client properties of a principal allowed to alter ACLs.")
    Path commandConfig;

    @Option(names = "--config", description = "A taskpipe configuration file (application.properties) whose topic and group names"
            + " (taskpipe.topics.*, taskpipe.lanes.io.group, taskpipe.lanes.cpu.group) to use instead of the defaults.")
    Path config;

    @Override
    public Integer call() throws Exception {
        KafkaAcls.Names names = config == null ? KafkaAcls.Names.DEFAULTS : KafkaAcls.Names.of(properties(config));
        if (!apply) {
            System.out.println(script(names));
            return 0;
        }
        if (bootstrapServers == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--apply needs --bootstrap-servers");
        }
        Map<String, Object> settings = new HashMap<>();
        if (commandConfig != null) {
            properties(commandConfig).forEach((key, value) -> settings.put(key.toString(), value));
        }
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(settings)) {
            int created = apply(admin, names);
            System.out.printf("%d ACLs created for %d roles%n", created, KafkaAcls.Role.values().length);
        }
        return 0;
    }

    /** Creates every role's ACLs (creating one that exists changes nothing); returns how many. */
    public static int apply(Admin admin, KafkaAcls.Names names) throws Exception {
        List<AclBinding> acls = KafkaAcls.all(names);
        admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        return acls.size();
    }

    /**
     * One {@code kafka-acls.sh} command per principal and resource, its operations together, after a
     * shell function that supplies the cluster and the administrator's settings.
     */
    public static String script(KafkaAcls.Names names) {
        Map<String, List<String>> operations = new LinkedHashMap<>();
        for (AclBinding acl : KafkaAcls.all(names)) {
            String target = "--allow-principal " + acl.entry().principal() + " " + resource(acl.pattern());
            operations.computeIfAbsent(target, key -> new ArrayList<>()).add("--operation " + SecurityUtils.operationName(acl.entry().operation()));
        }
        StringBuilder script = new StringBuilder("acl() { kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --command-config \"$ADMIN_CONFIG\" --add \"$@\"; }");
        operations.forEach((target, ops) -> script.append('\n').append("acl ").append(target).append(' ').append(String.join(" ", ops)));
        return script.toString();
    }

    private static String resource(ResourcePattern pattern) {
        if (pattern.resourceType() == ResourceType.CLUSTER) {
            return "--cluster";
        }
        String option = switch (pattern.resourceType()) {
            case TOPIC -> "--topic ";
            case GROUP -> "--group ";
            case TRANSACTIONAL_ID -> "--transactional-id ";
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + pattern.resourceType());
        };
        return option + pattern.name() + (pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AclsCommand()).execute(args));
    }
}
