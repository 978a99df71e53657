package io.keyrotator.audit;

/**
 * The kinds of compliance finding, each with the metric that counts it and what to do about it. The
 * names are part of the JSON output and the metric names are what alarms watch: keep both stable.
 */
public enum FindingType {
  ROOT_ACCESS_KEY(
      "RootAccessKeys",
      new FindingText(
          "The root user has an access key",
          "Sign in as the root user, open Security credentials and delete its access keys; give"
              + " programs an IAM role (or a keyrotator-managed IAM user) instead.")),
  OLD_ACCESS_KEY(
      "OldAccessKeys",
      new FindingText(
          "Active access key older than the maximum age, on a user keyrotator does not manage",
          "Rotate it: create a second key, move its consumers to it, deactivate the old key and"
              + " delete it once nothing fails; or let keyrotator rotate it (a secret tagged"
              + " keyrotator:user with the user's name, see docs/rotation.md).")),
  UNUSED_CREDENTIAL(
      "UnusedCredentials",
      new FindingText(
          "Password or active access key not used within the threshold",
          "If nobody needs it, remove it: deactivate the access key (aws iam update-access-key"
              + " --status Inactive) and delete it later, or delete the console password (aws iam"
              + " delete-login-profile). Credentials nobody uses are only a risk.")),
  CONSOLE_WITHOUT_MFA(
      "ConsoleUsersWithoutMfa",
      new FindingText(
          "User can sign in to the console without MFA",
          "Have the user enable an MFA device (IAM console, Security credentials, Assign MFA),"
              + " or delete the console password if the user does not need the console.")),
  PASSWORD_POLICY_MISSING(
      "PasswordPolicyMissing",
      new FindingText(
          "The account has no password policy",
          "Set one (aws iam update-account-password-policy) with at least the values the"
              + " iam-password-policy rule checks: see docs/hygiene.md.")),
  PASSWORD_POLICY_WEAK(
      "PasswordPolicyWeak",
      new FindingText(
          "The account password policy is weaker than the iam-password-policy rule",
          "Raise the values named in the finding (aws iam update-account-password-policy; the"
              + " call replaces the whole policy, so pass every setting)."));

  private final String metricName;
  private final FindingText text;

  FindingType(String metricName, FindingText text) {
    this.metricName = metricName;
    this.text = text;
  }

  /**
   * The embedded-format metric (namespace {@code keyrotator}) that counts findings of this type.
   */
  public String metricName() {
    return metricName;
  }

  /** What this kind of finding means and what to do about it, for people. */
  public FindingText text() {
    return text;
  }

  /**
   * The words a report shows for one kind of finding.
   *
   * @param title one line saying what this kind of finding means
   * @param fix what to do about a finding of this type
   */
  public record FindingText(String title, String fix) {}
}
