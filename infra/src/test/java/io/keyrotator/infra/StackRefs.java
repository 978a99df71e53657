package io.keyrotator.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/** How the tests name a stack's resources in the template they assert on. */
final class StackRefs {
  private StackRefs() {}

  /** The logical id of a construct's resource (its default child), or of the resource itself. */
  static String logicalId(Stack stack, IConstruct construct) {
    IConstruct child = construct.getNode().getDefaultChild();
    return stack.getLogicalId((CfnElement) (child == null ? construct : child));
  }

  /** {@code arn:${AWS::Partition}<rest>}, as CDK writes an ARN it formats. */
  static Map<String, Object> partitionArn(String rest) {
    return Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), rest)));
  }
}
