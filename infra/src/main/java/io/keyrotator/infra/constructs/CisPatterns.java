package io.keyrotator.infra.constructs;

import java.util.List;

/**
 * The CloudTrail metric-filter patterns of the CIS AWS Foundations Benchmark, exactly as AWS
 * Security Hub checks them (controls CloudWatch.1 to CloudWatch.14), plus CIS 4.15 (AWS
 * Organizations changes), which has no Security Hub control. Security Hub passes a control only for
 * the exact pattern: do not reformat these strings.
 */
public final class CisPatterns {
  private CisPatterns() {}

  /** CloudWatch.1 to CloudWatch.14, in order. */
  public static final List<AlarmDefinition> SECURITY_HUB_CONTROLS =
      List.of(
          new AlarmDefinition(
              "CloudWatch.1",
              "RootUserUsage",
              "root user used",
              "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}"),
          new AlarmDefinition(
              "CloudWatch.2",
              "UnauthorizedApiCalls",
              "unauthorized API calls",
              "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}"),
          new AlarmDefinition(
              "CloudWatch.3",
              "ConsoleSignInWithoutMfa",
              "console sign-in without MFA",
              "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"),
          new AlarmDefinition(
              "CloudWatch.4",
              "IamPolicyChanges",
              "IAM policy changes",
              "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"),
          new AlarmDefinition(
              "CloudWatch.5",
              "CloudTrailConfigChanges",
              "CloudTrail configuration changes",
              "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"),
          new AlarmDefinition(
              "CloudWatch.6",
              "ConsoleAuthenticationFailures",
              "console authentication failures",
              "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}"),
          new AlarmDefinition(
              "CloudWatch.7",
              "KmsKeyDisabledOrScheduledForDeletion",
              "customer managed key disabled or scheduled for deletion",
              "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"),
          new AlarmDefinition(
              "CloudWatch.8",
              "S3BucketPolicyChanges",
              "S3 bucket policy changes",
              "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"),
          new AlarmDefinition(
              "CloudWatch.9",
              "AwsConfigChanges",
              "AWS Config changes",
              "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"),
          new AlarmDefinition(
              "CloudWatch.10",
              "SecurityGroupChanges",
              "security group changes",
              "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"),
          new AlarmDefinition(
              "CloudWatch.11",
              "NetworkAclChanges",
              "network ACL changes",
              "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"),
          new AlarmDefinition(
              "CloudWatch.12",
              "NetworkGatewayChanges",
              "network gateway changes",
              "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"),
          new AlarmDefinition(
              "CloudWatch.13",
              "RouteTableChanges",
              "route table changes",
              "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"),
          new AlarmDefinition(
              "CloudWatch.14",
              "VpcChanges",
              "VPC changes",
              "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"));

  /** CIS 4.15: changes to AWS Organizations. */
  public static final AlarmDefinition ORGANIZATIONS_CHANGES =
      new AlarmDefinition(
          "CIS.4.15",
          "OrganizationsChanges",
          "AWS Organizations changes",
          "{($.eventSource=organizations.amazonaws.com) && (($.eventName=\"AcceptHandshake\") || ($.eventName=\"AttachPolicy\") || ($.eventName=\"CreateAccount\") || ($.eventName=\"CreateOrganizationalUnit\") || ($.eventName=\"CreatePolicy\") || ($.eventName=\"DeclineHandshake\") || ($.eventName=\"DeleteOrganization\") || ($.eventName=\"DeleteOrganizationalUnit\") || ($.eventName=\"DeletePolicy\") || ($.eventName=\"DetachPolicy\") || ($.eventName=\"DisablePolicyType\") || ($.eventName=\"EnablePolicyType\") || ($.eventName=\"InviteAccountToOrganization\") || ($.eventName=\"LeaveOrganization\") || ($.eventName=\"MoveAccount\") || ($.eventName=\"RemoveAccountFromOrganization\") || ($.eventName=\"UpdatePolicy\") || ($.eventName=\"UpdateOrganizationalUnit\"))}");

  /** All CIS patterns: the fourteen controls and Organizations changes. */
  public static List<AlarmDefinition> all() {
    return java.util.stream.Stream.concat(
            SECURITY_HUB_CONTROLS.stream(), java.util.stream.Stream.of(ORGANIZATIONS_CHANGES))
        .toList();
  }
}
