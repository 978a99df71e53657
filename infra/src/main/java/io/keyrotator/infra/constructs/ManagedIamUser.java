package io.keyrotator.infra.constructs;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * An IAM user a keyrotator function may act on, by name and path ({@code /} for most, {@code
 * /keyrotator/} for the users the stack creates).
 */
public record ManagedIamUser(String name, String path) {
  /** Checks the name and that the path starts and ends with {@code /}. */
  public ManagedIamUser {
    if (name == null || name.isEmpty() || name.contains(",")) {
      throw new IllegalArgumentException(
          "ManagedIamUser: name \"" + name + "\" must be a non-empty IAM user name without commas");
    }
    if (path == null || !path.startsWith("/") || !path.endsWith("/")) {
      throw new IllegalArgumentException(
          "ManagedIamUser: path \"" + path + "\" of user " + name + " must start and end with /");
    }
  }

  /** The user's exact ARN in the stack's partition and account (no wildcard). */
  public String arn(Stack stack) {
    return stack.formatArn(
        ArnComponents.builder()
            .service("iam")
            .region("")
            .resource("user")
            .resourceName(path.substring(1) + name)
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
            .build());
  }
}
