package io.keyrotator.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** Reads IAM policy statements out of a synthesized template, for assertions across policies. */
final class IamStatements {
  private IamStatements() {}

  /** A statement with where it came from. */
  record Located(String resource, Map<String, Object> statement) {
    List<String> actions() {
      return strings(statement.get("Action"));
    }

    List<Object> resources() {
      Object value = statement.get("Resource");
      return value instanceof List<?> list
          ? List.copyOf(list)
          : value == null ? List.of() : List.of(value);
    }

    boolean allows() {
      return "Allow".equals(statement.get("Effect"));
    }
  }

  /** Every statement of every identity policy: AWS::IAM::Policy, ManagedPolicy, Role inline. */
  @SuppressWarnings("unchecked")
  static List<Located> identityStatements(Template template) {
    List<Located> result = new ArrayList<>();
    for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
      template
          .findResources(type)
          .forEach(
              (id, resource) -> {
                Map<String, Object> props = (Map<String, Object>) resource.get("Properties");
                addDocument(result, id, props.get("PolicyDocument"));
              });
    }
    template
        .findResources("AWS::IAM::Role")
        .forEach(
            (id, resource) -> {
              Map<String, Object> props = (Map<String, Object>) resource.get("Properties");
              Object policies = props.get("Policies");
              if (policies instanceof List<?> list) {
                for (Object policy : list) {
                  addDocument(result, id, ((Map<String, Object>) policy).get("PolicyDocument"));
                }
              }
            });
    return result;
  }

  /** The statements of one policy resource. */
  @SuppressWarnings("unchecked")
  static List<Located> statementsOf(Template template, String logicalId) {
    List<Located> result = new ArrayList<>();
    Map<String, Object> resources = (Map<String, Object>) template.toJSON().get("Resources");
    Map<String, Object> resource = (Map<String, Object>) resources.get(logicalId);
    Map<String, Object> props = (Map<String, Object>) resource.get("Properties");
    addDocument(result, logicalId, props.get("PolicyDocument"));
    return result;
  }

  @SuppressWarnings("unchecked")
  private static void addDocument(List<Located> into, String id, Object document) {
    Object statements = ((Map<String, Object>) document).get("Statement");
    for (Object statement : (List<Object>) statements) {
      into.add(new Located(id, (Map<String, Object>) statement));
    }
  }

  static List<String> strings(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(value));
  }
}
