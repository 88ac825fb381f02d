package io.pulse.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict parsing of rendered objects into fabric8's model classes. fabric8 keeps any field it does not know
 * in {@code additionalProperties} (a {@code @JsonAnySetter}), so FAIL_ON_UNKNOWN_PROPERTIES alone lets a
 * misspelt or misplaced field through: after parsing, every model object in the tree must have no
 * additional properties. Scalars are not coerced ("8080" is no port number).
 */
final class StrictModel {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    /** apiVersion/kind of the built-in objects the chart makes, and their model classes. */
    static final Map<String, Class<? extends HasMetadata>> BUILT_IN = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class));

    /** The custom resources (their operators' CRDs): parsed as GenericKubernetesResource, checked by hand. */
    static final Set<String> CUSTOM = Set.of(
            "flink.apache.org/v1beta1/FlinkDeployment",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PodMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

    private StrictModel() {
    }

    static String type(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }

    static String name(JsonNode object) {
        return type(object) + " " + object.path("metadata").path("name").asText();
    }

    /** Parses one rendered object into its model class, failing on any field the model does not have. */
    static HasMetadata parse(JsonNode object) {
        String type = type(object);
        Class<? extends HasMetadata> modelClass = BUILT_IN.get(type);
        if (modelClass == null) {
            if (!CUSTOM.contains(type)) {
                throw new AssertionError("no model class for " + name(object) + ": add it to StrictModel");
            }
            return parse(object, GenericKubernetesResource.class, name(object));
        }
        return parse(object, modelClass, name(object));
    }

    static <T> T parse(JsonNode node, Class<T> modelClass, String what) {
        T parsed;
        try {
            parsed = MAPPER.treeToValue(node, modelClass);
        } catch (JsonProcessingException e) {
            throw new AssertionError(what + " does not parse as " + modelClass.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
        if (!(parsed instanceof GenericKubernetesResource)) {
            List<String> unknown = new ArrayList<>();
            unknownFields(parsed, "", unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(what + " has fields " + modelClass.getSimpleName() + " does not know: " + unknown);
            }
        }
        return parsed;
    }

    /** Collects the additional (unknown) properties of every fabric8 model object under {@code value}. */
    static void unknownFields(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> unknownFields(child, path + "." + key, unknown));
            return;
        }
        if (value instanceof Collection<?> collection) {
            int index = 0;
            for (Object child : collection) {
                unknownFields(child, path + "[" + index++ + "]", unknown);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // not a property (a computed value that does not apply to this object)
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add((path.isEmpty() ? "." : path) + " " + extra.keySet());
                }
            } else {
                String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                unknownFields(child, path + "." + property, unknown);
            }
        }
    }
}
