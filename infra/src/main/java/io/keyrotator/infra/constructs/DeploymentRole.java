package io.keyrotator.infra.constructs;

import java.util.Optional;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.Stack;

/** The role CloudFormation deploys a stack with, as the stack's synthesizer names it. */
public final class DeploymentRole {
  private DeploymentRole() {}

  /**
   * The CloudFormation execution role of the stack's {@link DefaultStackSynthesizer} (the CDK
   * bootstrap's {@code cdk-<qualifier>-cfn-exec-role-<account>-<region>}, with the qualifier of the
   * synthesizer or of the context {@code @aws-cdk/core:bootstrapQualifier}), its {@code
   * ${AWS::...}} placeholders resolved for this stack.
   *
   * <p>Empty for other synthesizers (they deploy with the caller's credentials, which the template
   * cannot know) and for a {@code DefaultStackSynthesizer} constructed in Java and passed in the
   * stack's props: the stack binds a copy of it that Java code cannot reach (jsii hands back the
   * unbound original). Then the configuration must name the role ({@code deploymentRoleArn}).
   */
  public static Optional<String> of(Stack stack) {
    if (!(stack.getSynthesizer() instanceof DefaultStackSynthesizer synthesizer)) {
      return Optional.empty();
    }
    String template;
    try {
      template = synthesizer.getCloudFormationExecutionRoleArn();
    } catch (RuntimeException unbound) {
      return Optional.empty();
    }
    return Optional.of(
        template
            .replace("${AWS::Partition}", stack.getPartition())
            .replace("${AWS::AccountId}", stack.getAccount())
            .replace("${AWS::Region}", stack.getRegion()));
  }
}
