package io.filterwatch.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The openAPIV3Schema of one served version of a CustomResourceDefinition, and a walker that checks
 * an object against it the way the API server's structural schema would: unknown fields (pruned
 * silently by the server, so a typo would simply vanish) are errors unless the schema preserves
 * them, and so are wrong types, values outside an enum and missing required fields. Covers the
 * schema keywords controller-gen emits (type, properties, additionalProperties, items, required,
 * enum, format, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields); metadata is
 * left to Kubernetes' own checks, as the CRD leaves it.
 */
final class CrdSchema {
    final String group;
    final String kind;
    final String version;
    final JsonNode schema;

    private CrdSchema(String group, String kind, String version, JsonNode schema) {
        this.group = group;
        this.kind = kind;
        this.version = version;
        this.schema = schema;
    }

    /** The schema of the version {@code version} of the CRD in {@code file}, which must be served. */
    static CrdSchema load(Path file, String version) {
        JsonNode crd = RepoFiles.yamlDocuments(RepoFiles.read(file)).stream()
                .filter(d -> "CustomResourceDefinition".equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + " holds no CustomResourceDefinition"));
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (version.equals(v.path("name").asText())) {
                if (!v.path("served").asBoolean()) {
                    throw new IllegalArgumentException(file + ": version " + version + " is not served");
                }
                return new CrdSchema(crd.path("spec").path("group").asText(), crd.path("spec").path("names").path("kind").asText(),
                        version, v.path("schema").path("openAPIV3Schema"));
            }
        }
        throw new IllegalArgumentException(file + " has no version " + version);
    }

    String apiVersion() {
        return group + "/" + version;
    }

    /** Every way {@code object} departs from the schema, as "path: problem". */
    List<String> validate(JsonNode object) {
        List<String> out = new ArrayList<>();
        if (!apiVersion().equals(object.path("apiVersion").asText()) || !kind.equals(object.path("kind").asText())) {
            out.add("$: " + object.path("apiVersion").asText() + "/" + object.path("kind").asText() + " is not " + apiVersion() + "/" + kind);
        }
        walk(schema, object, "$", out, true);
        return out;
    }

    private static void walk(JsonNode s, JsonNode v, String path, List<String> out, boolean root) {
        if (s == null || s.isMissingNode() || s.isNull()) {
            return;
        }
        if (v.isNull()) {
            if (!s.path("nullable").asBoolean(false)) {
                out.add(path + ": null is not allowed");
            }
            return;
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!v.isIntegralNumber() && !v.isTextual()) {
                out.add(path + ": expected an integer or a string, got " + v.getNodeType());
            }
            return;
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!v.isObject()) {
                    out.add(path + ": expected an object, got " + v.getNodeType());
                    return;
                }
            }
            case "array" -> {
                if (!v.isArray()) {
                    out.add(path + ": expected an array, got " + v.getNodeType());
                    return;
                }
            }
            case "string" -> {
                if (!v.isTextual()) {
                    out.add(path + ": expected a string, got " + v.getNodeType() + " " + v);
                    return;
                }
            }
            case "integer" -> {
                if (!v.isIntegralNumber()) {
                    out.add(path + ": expected an integer, got " + v.getNodeType() + " " + v);
                    return;
                }
            }
            case "number" -> {
                if (!v.isNumber()) {
                    out.add(path + ": expected a number, got " + v.getNodeType() + " " + v);
                    return;
                }
            }
            case "boolean" -> {
                if (!v.isBoolean()) {
                    out.add(path + ": expected a boolean, got " + v.getNodeType() + " " + v);
                    return;
                }
            }
            default -> {
                // no type: anything (x-kubernetes-preserve-unknown-fields or a free-form value)
            }
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode e : s.path("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                out.add(path + ": " + v + " is not one of " + s.path("enum"));
            }
        }
        for (JsonNode r : s.path("required")) {
            if (!v.has(r.asText())) {
                out.add(path + ": required field " + r.asText() + " is missing");
            }
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            JsonNode additional = s.get("additionalProperties");
            boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            var it = v.fields();
            while (it.hasNext()) {
                var f = it.next();
                String p = path + "." + f.getKey();
                if (root && f.getKey().equals("metadata")) {
                    continue; // ObjectMeta: Kubernetes' own schema, not the CRD's
                }
                if (props.has(f.getKey())) {
                    walk(props.get(f.getKey()), f.getValue(), p, out, false);
                } else if (additional != null && additional.isObject()) {
                    walk(additional, f.getValue(), p, out, false);
                } else if (!(preserve || (additional != null && additional.asBoolean(false)))) {
                    out.add(p + ": unknown field (the schema has " + fieldNames(props) + ")");
                }
            }
        } else if (v.isArray()) {
            int i = 0;
            for (JsonNode x : v) {
                walk(s.path("items"), x, path + "[" + i++ + "]", out, false);
            }
        }
    }

    private static List<String> fieldNames(JsonNode props) {
        List<String> names = new ArrayList<>();
        props.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
