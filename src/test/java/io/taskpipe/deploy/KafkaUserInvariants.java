package io.taskpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskpipe.acl.KafkaAcls;
import io.taskpipe.config.TaskpipeConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.utils.SecurityUtils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.taskpipe.deploy.Manifests.named;
import static io.taskpipe.deploy.Manifests.ofKind;

/**
 * Where an overlay declares Strimzi {@code KafkaUser}s: one per role of {@link KafkaAcls}, allowed exactly
 * that role's ACLs (the list {@code KafkaAclIT} proves on a broker), and every Deployment and KEDA
 * connecting as its own role's user. Strimzi writes each user's JAAS line and password into a Secret of
 * the user's name, so "connects as" means "reads that Secret".
 */
final class KafkaUserInvariants {

    private KafkaUserInvariants() {
    }

    /** The KafkaUsers against KafkaAcls for these names, and KEDA's credentials; nothing where no KafkaUser is declared. */
    static List<String> users(List<JsonNode> documents, KafkaAcls.Names names) {
        List<String> findings = new ArrayList<>();
        List<JsonNode> users = ofKind(documents, "KafkaUser");
        if (users.isEmpty()) {
            return findings;
        }
        for (KafkaAcls.Role role : KafkaAcls.Role.values()) {
            JsonNode user = named(documents, "KafkaUser", role.user());
            if (user == null) {
                findings.add("no KafkaUser " + role.user() + " for the role " + role);
                continue;
            }
            Set<AclBinding> declared = acls(user, role);
            Set<AclBinding> expected = new LinkedHashSet<>(KafkaAcls.of(role, names));
            List<String> extra = declared.stream().filter(acl -> !expected.contains(acl)).map(KafkaUserInvariants::describe).toList();
            List<String> missing = expected.stream().filter(acl -> !declared.contains(acl)).map(KafkaUserInvariants::describe).toList();
            if (!extra.isEmpty()) {
                findings.add("KafkaUser " + role.user() + " allows more than KafkaAcls gives " + role + ": " + extra);
            }
            if (!missing.isEmpty()) {
                findings.add("KafkaUser " + role.user() + " lacks what KafkaAcls gives " + role + ": " + missing);
            }
        }
        for (JsonNode user : users) {
            String name = user.path("metadata").path("name").asText();
            if (Arrays.stream(KafkaAcls.Role.values()).noneMatch(role -> role.user().equals(name))) {
                findings.add("KafkaUser " + name + " belongs to no role of KafkaAcls");
            }
        }
        for (JsonNode auth : ofKind(documents, "TriggerAuthentication")) {
            for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
                if ("password".equals(ref.path("parameter").asText())) {
                    expectSecret(findings, "TriggerAuthentication " + auth.path("metadata").path("name").asText() + ": password",
                            ref.path("name").asText(null), KafkaAcls.Role.AUTOSCALER);
                }
            }
        }
        return findings;
    }

    /**
     * Whether a Deployment of {@code role} reads its JAAS line from its role's Secret, in every overlay: the
     * Secret Strimzi's User Operator writes for the role's KafkaUser, or the one an operator creates.
     */
    static List<String> credentials(List<JsonNode> documents, String deployment, JsonNode container, TaskpipeConfig.Role role) {
        List<String> findings = new ArrayList<>();
        String secret = null;
        for (JsonNode variable : container.path("env")) {
            if ("KAFKA_SASL_JAAS_CONFIG".equals(variable.path("name").asText())) {
                secret = variable.path("valueFrom").path("secretKeyRef").path("name").asText(null);
            }
        }
        expectSecret(findings, "Deployment " + deployment + ": KAFKA_SASL_JAAS_CONFIG", secret,
                role == TaskpipeConfig.Role.CPU_WORKER ? KafkaAcls.Role.CPU_WORKER : KafkaAcls.Role.DISPATCHER);
        return findings;
    }

    private static void expectSecret(List<String> findings, String what, String secret, KafkaAcls.Role role) {
        if (!role.user().equals(secret)) {
            findings.add(what + " must come from the Secret " + role.user() + " (the " + role + " role's KafkaUser), comes from " + secret);
        }
    }

    /** A KafkaUser's {@code simple} ACLs as Kafka's own bindings (Strimzi's defaults: literal, any host, allow). */
    private static Set<AclBinding> acls(JsonNode user, KafkaAcls.Role role) {
        Set<AclBinding> acls = new LinkedHashSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode resource = acl.path("resource");
            String type = resource.path("type").asText();
            ResourcePattern pattern = new ResourcePattern(SecurityUtils.resourceType(Character.toUpperCase(type.charAt(0)) + type.substring(1)),
                    "cluster".equals(type) ? Resource.CLUSTER_NAME : resource.path("name").asText(), "prefix".equals(resource.path("patternType").asText("literal")) ? PatternType.PREFIXED : PatternType.LITERAL);
            AclPermissionType permission = "deny".equals(acl.path("type").asText("allow")) ? AclPermissionType.DENY : AclPermissionType.ALLOW;
            for (JsonNode operation : acl.path("operations")) {
                acls.add(new AclBinding(pattern, new AccessControlEntry(role.principal(), acl.path("host").asText("*"),
                        SecurityUtils.operation(operation.asText()), permission)));
            }
        }
        return acls;
    }

    private static String describe(AclBinding acl) {
        ResourcePattern pattern = acl.pattern();
        return (acl.entry().permissionType() == AclPermissionType.DENY ? "deny " : "")
                + SecurityUtils.operationName(acl.entry().operation()) + " on " + SecurityUtils.resourceTypeName(pattern.resourceType()) + " "
                + pattern.name() + (pattern.patternType() == PatternType.PREFIXED ? "*" : "");
    }
}
