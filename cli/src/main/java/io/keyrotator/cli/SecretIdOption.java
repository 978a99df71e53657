package io.keyrotator.cli;

import picocli.CommandLine.Option;

/** {@code --secret-id}: the one secret a command acts on. */
final class SecretIdOption {
  @Option(
      names = "--secret-id",
      converter = SecretNames.class,
      paramLabel = "ID",
      required = true,
      description = "Secret name or ARN.")
  String id;
}
