package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The created trail in the full configuration follows the CIS benchmark, its bucket is private, and
 * each CIS control and keyrotator's own filters get a metric filter with an alarm.
 */
class CloudTrailAlarmsTest extends FullConfigurationTest {
  /** The CIS patterns as Security Hub checks them, copied from the reference independently. */
  static final Map<String, String> CIS_PATTERNS =
      Map.ofEntries(
          Map.entry(
              "CloudWatch.1",
              "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}"),
          Map.entry(
              "CloudWatch.2",
              "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}"),
          Map.entry(
              "CloudWatch.3",
              "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"),
          Map.entry(
              "CloudWatch.4",
              "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"),
          Map.entry(
              "CloudWatch.5",
              "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"),
          Map.entry(
              "CloudWatch.6",
              "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}"),
          Map.entry(
              "CloudWatch.7",
              "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"),
          Map.entry(
              "CloudWatch.8",
              "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"),
          Map.entry(
              "CloudWatch.9",
              "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"),
          Map.entry(
              "CloudWatch.10",
              "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"),
          Map.entry(
              "CloudWatch.11",
              "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"),
          Map.entry(
              "CloudWatch.12",
              "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"),
          Map.entry(
              "CloudWatch.13",
              "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"),
          Map.entry(
              "CloudWatch.14",
              "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"));

  static final String ORGANIZATIONS_PATTERN =
      "{($.eventSource=organizations.amazonaws.com) && (($.eventName=\"AcceptHandshake\") ||"
          + " ($.eventName=\"AttachPolicy\") || ($.eventName=\"CreateAccount\") ||"
          + " ($.eventName=\"CreateOrganizationalUnit\") || ($.eventName=\"CreatePolicy\") ||"
          + " ($.eventName=\"DeclineHandshake\") || ($.eventName=\"DeleteOrganization\") ||"
          + " ($.eventName=\"DeleteOrganizationalUnit\") || ($.eventName=\"DeletePolicy\") ||"
          + " ($.eventName=\"DetachPolicy\") || ($.eventName=\"DisablePolicyType\") ||"
          + " ($.eventName=\"EnablePolicyType\") || ($.eventName=\"InviteAccountToOrganization\") ||"
          + " ($.eventName=\"LeaveOrganization\") || ($.eventName=\"MoveAccount\") ||"
          + " ($.eventName=\"RemoveAccountFromOrganization\") || ($.eventName=\"UpdatePolicy\") ||"
          + " ($.eventName=\"UpdateOrganizationalUnit\"))}";

  @Test
  void createdTrailFollowsTheBenchmark() {
    template.hasResourceProperties(
        "AWS::CloudTrail::Trail",
        Match.objectLike(
            Map.of(
                "IsMultiRegionTrail", true,
                "IncludeGlobalServiceEvents", true,
                "EnableLogFileValidation", true,
                "IsLogging", true,
                "KMSKeyId", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn")),
                "CloudWatchLogsLogGroupArn", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn")),
                "EventSelectors",
                    List.of(
                        Match.objectLike(
                            Map.of("IncludeManagementEvents", true, "ReadWriteType", "All"))))));
  }

  @Test
  void trailBucketIsPrivateVersionedTlsOnlyWithLifecycleAndAccessLogs() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "PublicAccessBlockConfiguration",
                    Map.of(
                        "BlockPublicAcls", true,
                        "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true,
                        "RestrictPublicBuckets", true),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "LoggingConfiguration",
                    Match.objectLike(Map.of("DestinationBucketName", Match.anyValue())),
                "LifecycleConfiguration",
                    Map.of(
                        "Rules",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Status",
                                    "Enabled",
                                    "ExpirationInDays",
                                    731,
                                    "Transitions",
                                    List.of(
                                        Map.of(
                                            "StorageClass",
                                            "GLACIER",
                                            "TransitionInDays",
                                            90)))))))));
    Map<String, Map<String, Object>> buckets = template.findResources("AWS::S3::Bucket");
    for (String bucket : buckets.keySet()) {
      template.hasResourceProperties(
          "AWS::S3::BucketPolicy",
          Match.objectLike(
              Map.of(
                  "Bucket",
                  Map.of("Ref", bucket),
                  "PolicyDocument",
                  TemplateMatchers.statementsInclude(TemplateMatchers.DENY_WITHOUT_TLS))));
    }
  }

  @Test
  void oneAlarmPerCisControlWithTheExactPattern() {
    String topic = logicalId(stack.getNotifications().getTopic());
    String trailLogs = logicalId(stack.getNode().findChild("Trail").getNode().findChild("Logs"));
    Map<String, String> all = new java.util.LinkedHashMap<>(CIS_PATTERNS);
    all.put("CIS.4.15", ORGANIZATIONS_PATTERN);
    for (Map.Entry<String, String> control : all.entrySet()) {
      Map<String, Map<String, Object>> filters =
          template.findResources(
              "AWS::Logs::MetricFilter",
              TemplateMatchers.withProperties(Map.of("FilterPattern", control.getValue())));
      assertThat(filters).as(control.getKey()).hasSize(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> props =
          (Map<String, Object>) filters.values().iterator().next().get("Properties");
      @SuppressWarnings("unchecked")
      Map<String, Object> transformation =
          ((List<Map<String, Object>>) props.get("MetricTransformations")).get(0);
      assertThat(props.get("LogGroupName"))
          .as(control.getKey())
          .isEqualTo(Map.of("Ref", trailLogs));
      template.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Match.objectLike(
              Map.of(
                  "AlarmDescription",
                      Match.stringLikeRegexp(control.getKey().replace(".", "\\.") + ":.*"),
                  "MetricName", transformation.get("MetricName"),
                  "Namespace", transformation.get("MetricNamespace"),
                  "Threshold", 1,
                  "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                  "AlarmActions", List.of(Map.of("Ref", topic)))));
    }
  }

  @Test
  void keyrotatorsOwnCloudTrailAlarmsWatchManagedUsersAndRotationFailures() {
    template.resourceCountIs("AWS::Logs::MetricFilter", 17);
    // 17 filter alarms, StepFailed, and the hygiene function's Errors and five finding alarms.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 24);
    template.hasResourceProperties(
        "AWS::Logs::MetricFilter",
        Match.objectLike(
            Map.of(
                "FilterPattern",
                "{($.eventSource=iam.amazonaws.com) && (($.eventName=CreateAccessKey) ||"
                    + " ($.eventName=UpdateAccessKey) || ($.eventName=DeleteAccessKey)) &&"
                    + " (($.requestParameters.userName=\"ci-deployer\") ||"
                    + " ($.requestParameters.userName=\"legacy-batch\")) &&"
                    + " (($.userIdentity.type!=\"AssumedRole\") ||"
                    + " (($.userIdentity.sessionContext.sessionIssuer.userName!=\"keyrotator-rotation-eu-west-1\")"
                    + " && ($.userIdentity.sessionContext.sessionIssuer.userName!=\"keyrotator-hygiene-eu-west-1\")))}")));
    template.hasResourceProperties(
        "AWS::Logs::MetricFilter",
        Match.objectLike(
            Map.of(
                "FilterPattern",
                "{($.eventSource=secretsmanager.amazonaws.com) && (($.eventName=RotationFailed) ||"
                    + " ($.eventName=RotationAbandoned) || ($.eventName=TestRotationFailed))}")));
  }
}
